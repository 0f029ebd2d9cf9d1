#include "outbox.h"
#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int outbox_enqueue(struct db *db, const char *channel, const char *recipient, const char *subject,
                   const char *body, int64_t *id_out, struct xf_err *err)
{
	int64_t now = clock_now();
	struct db_stmt *st = db_prep(db,
	                             "INSERT INTO outbox(channel, recipient, subject, body,"
	                             " created_at, due_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	                             err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, channel);
	db_bind_text(st, 2, recipient);
	db_bind_text(st, 3, subject);
	db_bind_text(st, 4, body);
	db_bind_int(st, 5, now);
	db_bind_int(st, 6, now);
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "写入通知失败");
	if (id_out)
		*id_out = db_col_int(st, 0);
	db_reset(st);
	return XF_OK;
}

int outbox_enqueue_webhook(struct db *db, int64_t token_id, const char *url, const char *subject,
                           const char *body, struct xf_err *err)
{
	int64_t now = clock_now();
	return db_run(db, err,
	              "INSERT INTO outbox(channel, recipient, subject, body, created_at, due_at,"
	              " token_id) VALUES ('webhook', ?, ?, ?, ?, ?, ?)",
	              "tttiii", url, subject, body, now, now, token_id);
}

int outbox_backlog(struct db *db, int64_t now, int64_t *pending, int64_t *failing,
                   int64_t *oldest_s, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT count(*), coalesce(sum(CASE WHEN attempts > 0 THEN 1"
	                             " ELSE 0 END), 0), coalesce(min(created_at), 0) FROM outbox"
	                             " WHERE delivered_at IS NULL",
	                             err);
	if (!st)
		return err->status;
	int rc = db_step(st, err);
	if (rc != DB_ROW)
		return rc < 0 ? rc : xf_fail(err, XF_EDB, "db_error", "读取通知积压失败");
	*pending = db_col_int(st, 0);
	*failing = db_col_int(st, 1);
	int64_t oldest = db_col_int(st, 2);
	*oldest_s = *pending && oldest && now > oldest ? now - oldest : 0;
	db_reset(st);
	return XF_OK;
}

int64_t outbox_backoff(int64_t attempts)
{
	int64_t d = 30;
	for (int64_t i = 1; i < attempts && d < 3600; i++)
		d *= 2;
	return d < 3600 ? d : 3600;
}

struct mark {
	int64_t id, now;
	bool ok;
	const char *error;
};

static int mark_fn(struct db *db, void *arg, struct xf_err *err)
{
	struct mark *m = arg;
	if (m->ok)
		return db_run(db, err,
		              "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1,"
		              " last_error = '' WHERE id = ? AND delivered_at IS NULL",
		              "ii", m->now, m->id);
	int64_t attempts = 0;
	int rc = db_int(db, err, &attempts, "SELECT attempts FROM outbox WHERE id = ?", "i", m->id);
	if (rc != XF_OK)
		return rc;
	return db_run(db, err,
	              "UPDATE outbox SET attempts = attempts + 1, due_at = ?, last_error = ?"
	              " WHERE id = ?",
	              "iti", m->now + outbox_backoff(attempts + 1), m->error, m->id);
}

int outbox_deliver(struct store *s, struct outbox_sender *sender, int max, int *delivered,
                   int *failed, struct xf_err *err)
{
	*delivered = *failed = 0;
	struct db *db = store_reader(s, err);
	if (!db)
		return err->status;
	int64_t now = clock_now();
	struct db_stmt *st = db_prep(db,
	                             "SELECT id, channel, recipient, subject, body, attempts,"
	                             " created_at, coalesce(token_id, 0) FROM outbox"
	                             " WHERE delivered_at IS NULL"
	                             " AND due_at <= ? ORDER BY due_at, id LIMIT ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, max);
	/* Copy the batch out first: sending may be slow and must not hold a read snapshot. */
	struct item {
		struct outbox_msg m;
		char *strs[4];
	} *items = xcalloc((size_t)(max > 0 ? max : 1), sizeof *items);
	int n = 0, rc;
	while (n < max && (rc = db_step(st, err)) == DB_ROW) {
		struct item *it = &items[n++];
		it->m.id = db_col_int(st, 0);
		for (int k = 0; k < 4; k++)
			it->strs[k] = xstrdup(db_col_text(st, k + 1));
		it->m.channel = it->strs[0];
		it->m.recipient = it->strs[1];
		it->m.subject = it->strs[2];
		it->m.body = it->strs[3];
		it->m.attempts = db_col_int(st, 5);
		it->m.created_at = db_col_int(st, 6);
		it->m.token_id = db_col_int(st, 7);
	}
	db_reset(st);
	rc = XF_OK;
	for (int i = 0; i < n; i++) {
		struct xf_err serr;
		xf_err_clear(&serr);
		int sent = sender->send(sender->ctx, &items[i].m, &serr);
		struct mark mk = {items[i].m.id, clock_now(), sent == XF_OK, serr.message};
		int wrc = store_write(s, mark_fn, &mk, err);
		if (wrc != XF_OK)
			rc = wrc; /* delivered but unmarked: it is sent again (at least once) */
		if (sent == XF_OK)
			(*delivered)++;
		else
			(*failed)++;
	}
	for (int i = 0; i < n; i++)
		for (int k = 0; k < 4; k++)
			free(items[i].strs[k]);
	free(items);
	return rc;
}

struct file_sender {
	char *path;
};

static int file_send(void *ctx, const struct outbox_msg *m, struct xf_err *err)
{
	struct file_sender *fs = ctx;
	struct buf b;
	buf_init(&b);
	char ts[21];
	clock_iso(clock_now(), ts);
	buf_printf(&b, "{\"at\":\"%s\",\"id\":%lld,\"channel\":", ts, (long long)m->id);
	buf_json_str(&b, m->channel);
	buf_puts(&b, ",\"to\":");
	buf_json_str(&b, m->recipient);
	buf_puts(&b, ",\"subject\":");
	buf_json_str(&b, m->subject);
	buf_puts(&b, ",\"body\":");
	buf_json_str(&b, m->body);
	buf_puts(&b, "}\n");
	int fd = open(fs->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	int rc = XF_OK;
	if (fd < 0 || write(fd, b.data, b.len) != (ssize_t)b.len || fsync(fd) != 0)
		rc = xf_fail(err, XF_EIO, "send_failed", "写入通知日志 %s 失败：%s", fs->path,
		             strerror(errno));
	if (fd >= 0)
		close(fd);
	buf_free(&b);
	return rc;
}

static void file_free(void *ctx)
{
	struct file_sender *fs = ctx;
	free(fs->path);
	free(fs);
}

struct outbox_sender *outbox_file_sender(const char *path, struct xf_err *err)
{
	(void)err;
	struct file_sender *fs = xcalloc(1, sizeof *fs);
	fs->path = xstrdup(path);
	struct outbox_sender *s = xcalloc(1, sizeof *s);
	s->name = "file";
	s->send = file_send;
	s->ctx = fs;
	s->free = file_free;
	return s;
}

void outbox_sender_free(struct outbox_sender *s)
{
	if (!s)
		return;
	if (s->free)
		s->free(s->ctx);
	free(s);
}
