#include "audit.h"
#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/pii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int audit_write(struct db *db, const struct audit_entry *e, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db,
	            "INSERT INTO audit_log(at, user_id, role, on_behalf_of, action,"
	            " object, ip, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, clock_now());
	if (e->user_id)
		db_bind_int(st, 2, e->user_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, e->role ? e->role : "");
	if (e->on_behalf_of)
		db_bind_int(st, 4, e->on_behalf_of);
	else
		db_bind_null(st, 4);
	db_bind_text(st, 5, e->action);
	db_bind_text(st, 6, e->object ? e->object : "");
	db_bind_text(st, 7, e->ip ? e->ip : "");
	db_bind_text(st, 8, e->outcome ? e->outcome : "ok");
	db_bind_text(st, 9, e->detail ? e->detail : "");
	int rc = db_step(st, err);
	return rc == DB_DONE ? XF_OK : rc;
}

struct async_audit {
	struct write_job job;
	struct audit_entry e;
	char role[32], action[64], object[160], ip[64], outcome[16], detail[256];
};

static int async_fn(struct db *db, void *arg, struct xf_err *err)
{
	struct async_audit *a = arg;
	return audit_write(db, &a->e, err);
}

static void async_done(struct write_job *job)
{
	free(job->arg);
}

void audit_write_async(struct store *s, const struct audit_entry *e)
{
	struct async_audit *a = xcalloc(1, sizeof *a);
	snprintf(a->role, sizeof a->role, "%s", e->role ? e->role : "");
	snprintf(a->action, sizeof a->action, "%s", e->action);
	snprintf(a->object, sizeof a->object, "%s", e->object ? e->object : "");
	snprintf(a->ip, sizeof a->ip, "%s", e->ip ? e->ip : "");
	snprintf(a->outcome, sizeof a->outcome, "%s", e->outcome ? e->outcome : "ok");
	snprintf(a->detail, sizeof a->detail, "%s", e->detail ? e->detail : "");
	a->e = (struct audit_entry){e->user_id, a->role, e->on_behalf_of, a->action,
	                            a->object,  a->ip,   a->outcome,      a->detail};
	a->job = (struct write_job){.fn = async_fn, .arg = a, .done = async_done};
	store_submit(s, &a->job);
}

/* The bytes a row's hash covers: its chain position, the previous hash and every column. */
static void row_mac(struct db_stmt *st, int64_t seq, const char *prev, char out[XF_DIGEST_HEX])
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "%s\x1f%lld\x1f%lld\x1f%lld\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s",
	           prev, (long long)seq, (long long)db_col_int(st, 0), (long long)db_col_int(st, 1),
	           db_col_null(st, 2) ? "" : db_col_text(st, 2), db_col_text(st, 3),
	           db_col_null(st, 4) ? "" : db_col_text(st, 4), db_col_text(st, 5),
	           db_col_text(st, 6), db_col_text(st, 7), db_col_text(st, 8), db_col_text(st, 9));
	pii_mac(b.data, b.len, out);
	buf_free(&b);
}

static int meta_int(struct db *db, const char *key, int64_t *out, struct xf_err *err)
{
	char v[32];
	int rc = store_meta_get(db, key, v, sizeof v, err);
	if (rc == XF_ENOTFOUND) {
		*out = 0;
		return XF_OK;
	}
	if (rc == XF_OK)
		*out = atoll(v);
	return rc;
}

int audit_chain(struct db *db, int max, int *chained, struct xf_err *err)
{
	*chained = 0;
	int64_t seq;
	char prev[XF_DIGEST_HEX] = "";
	int rc = meta_int(db, "audit_seq", &seq, err);
	if (rc != XF_OK)
		return rc;
	rc = store_meta_get(db, "audit_hash", prev, sizeof prev, err);
	if (rc == XF_ENOTFOUND)
		prev[0] = 0;
	else if (rc != XF_OK)
		return rc;
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT id, at, user_id, role, on_behalf_of, action, object, ip,"
	            " outcome, detail FROM audit_log WHERE seq IS NULL"
	            " ORDER BY id LIMIT ?",
	            err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, max);
	/* Collect first: the UPDATEs below must not run while this cursor is open. */
	struct pending {
		int64_t id;
		char hash[XF_DIGEST_HEX], prev[XF_DIGEST_HEX];
	} *p = xcalloc((size_t)(max > 0 ? max : 1), sizeof *p);
	int n = 0;
	while (n < max && (rc = db_step(st, err)) == DB_ROW) {
		p[n].id = db_col_int(st, 0);
		memcpy(p[n].prev, prev, sizeof prev);
		row_mac(st, seq + n + 1, prev, p[n].hash);
		memcpy(prev, p[n].hash, sizeof prev);
		n++;
	}
	db_reset(st);
	if (rc < 0) {
		free(p);
		return rc;
	}
	for (int i = 0; i < n && rc >= 0; i++)
		rc = db_run(db, err,
		            "UPDATE audit_log SET seq = ?, prev_hash = ?, hash = ? WHERE id = ?"
		            " AND seq IS NULL",
		            "itti", seq + i + 1, p[i].prev, p[i].hash, p[i].id);
	free(p);
	if (rc < 0)
		return rc;
	if (n > 0) {
		char v[32];
		snprintf(v, sizeof v, "%lld", (long long)(seq + n));
		if ((rc = store_meta_set(db, "audit_seq", v, err)) != XF_OK ||
		    (rc = store_meta_set(db, "audit_hash", prev, err)) != XF_OK)
			return rc;
	}
	*chained = n;
	return XF_OK;
}

static int broken(struct audit_report *rep, int64_t id, const char *reason)
{
	if (!rep->broken_id) {
		rep->broken_id = id;
		snprintf(rep->reason, sizeof rep->reason, "%s", reason);
	}
	return XF_OK;
}

int audit_verify(struct db *db, struct audit_report *rep, struct xf_err *err)
{
	memset(rep, 0, sizeof *rep);
	char prev[XF_DIGEST_HEX] = "", anchor[XF_DIGEST_HEX] = "", head[XF_DIGEST_HEX] = "";
	int64_t head_seq = 0, expect = 0;
	int rc = store_meta_get(db, "audit_anchor", anchor, sizeof anchor, err);
	if (rc != XF_OK && rc != XF_ENOTFOUND)
		return rc;
	if ((rc = meta_int(db, "audit_seq", &head_seq, err)) != XF_OK)
		return rc;
	rc = store_meta_get(db, "audit_hash", head, sizeof head, err);
	if (rc != XF_OK && rc != XF_ENOTFOUND)
		return rc;
	int64_t pending = 0;
	if ((rc = db_int(db, err, &pending, "SELECT count(*) FROM audit_log WHERE seq IS NULL",
	                 "")) != XF_OK)
		return rc;
	rep->pending = pending;
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT id, at, user_id, role, on_behalf_of, action, object, ip,"
	            " outcome, detail, seq, coalesce(prev_hash, ''),"
	            " coalesce(hash, '') FROM audit_log WHERE seq IS NOT NULL"
	            " ORDER BY seq",
	            err);
	if (!st)
		return err->status;
	bool first = true;
	memcpy(prev, anchor, sizeof prev);
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t id = db_col_int(st, 0), seq = db_col_int(st, 10);
		const char *stored_prev = db_col_text(st, 11), *stored = db_col_text(st, 12);
		rep->chained++;
		if (first) {
			expect = seq;
			first = false;
			if (!anchor[0] && seq != 1)
				broken(rep, id, "链首之前的记录被删除");
		}
		if (seq != expect)
			broken(rep, id, "序号不连续：有记录被删除或插入");
		char mac[XF_DIGEST_HEX];
		row_mac(st, seq, prev, mac);
		if (strcmp(stored_prev, prev) != 0)
			broken(rep, id, "前一条的哈希不符：记录被删除或调换");
		else if (strcmp(mac, stored) != 0)
			broken(rep, id, "内容与哈希不符：记录被修改");
		memcpy(prev, stored, sizeof prev);
		expect = seq + 1;
	}
	if (rc < 0)
		return rc;
	rep->rows = rep->chained + rep->pending;
	if (!rep->broken_id && (expect - 1 != head_seq && !(first && head_seq == 0)))
		broken(rep, -1, "链尾记录被删除（与链头登记不符）");
	else if (!rep->broken_id && !first && strcmp(prev, head) != 0)
		broken(rep, -1, "链尾哈希与链头登记不符");
	return XF_OK;
}

int audit_rehash(struct db *db, struct xf_err *err)
{
	char prev[XF_DIGEST_HEX] = "";
	int rc = store_meta_get(db, "audit_anchor", prev, sizeof prev, err);
	if (rc != XF_OK && rc != XF_ENOTFOUND)
		return rc;
	if (rc == XF_ENOTFOUND)
		prev[0] = 0;
	int64_t n = 0;
	if ((rc = db_int(db, err, &n, "SELECT count(*) FROM audit_log WHERE seq IS NOT NULL",
	                 "")) != XF_OK)
		return rc;
	struct rehashed {
		int64_t id;
		char prev[XF_DIGEST_HEX], hash[XF_DIGEST_HEX];
	} *rows = xcalloc((size_t)(n > 0 ? n : 1), sizeof *rows);
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT id, at, user_id, role, on_behalf_of, action, object, ip,"
	            " outcome, detail, seq FROM audit_log WHERE seq IS NOT NULL"
	            " ORDER BY seq",
	            err);
	if (!st) {
		free(rows);
		return err->status;
	}
	int64_t k = 0;
	while (k < n && (rc = db_step(st, err)) == DB_ROW) {
		rows[k].id = db_col_int(st, 0);
		memcpy(rows[k].prev, prev, sizeof prev);
		row_mac(st, db_col_int(st, 10), prev, rows[k].hash);
		memcpy(prev, rows[k].hash, sizeof prev);
		k++;
	}
	db_reset(st);
	rc = XF_OK;
	for (int64_t i = 0; i < k && rc == XF_OK; i++)
		rc = db_run(db, err, "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
		            "tti", rows[i].prev, rows[i].hash, rows[i].id);
	free(rows);
	if (rc == XF_OK && k > 0)
		rc = store_meta_set(db, "audit_hash", prev, err);
	return rc;
}

int audit_purge(struct db *db, int64_t before, struct xf_err *err)
{
	/* The newest purged row's hash becomes the anchor the remaining chain starts from. */
	struct db_stmt *st = db_prep(db,
	                             "SELECT hash FROM audit_log WHERE seq IS NOT NULL AND at < ?"
	                             " ORDER BY seq DESC LIMIT 1",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, before);
	int rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return XF_OK;
	char anchor[XF_DIGEST_HEX];
	snprintf(anchor, sizeof anchor, "%s", db_col_text(st, 0));
	db_reset(st);
	if ((rc = store_meta_set(db, "audit_anchor", anchor, err)) != XF_OK)
		return rc;
	return db_run(db, err,
	              "DELETE FROM audit_log WHERE seq IS NOT NULL AND seq <= (SELECT seq FROM"
	              " audit_log WHERE hash = ?)",
	              "t", anchor);
}
