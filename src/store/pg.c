/* db.h on PostgreSQL 15 through libpq: `?` placeholders become $n, statements are prepared
 * on the server once per connection, parameters travel as text (bytea as binary), results
 * come back as text. A lost connection is reset and statements are prepared again. */
#include "engine.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pg_db {
	struct db base;
	PGconn *c;
	int64_t changes;
	unsigned gen;     /* bumped when the connection is reset */
	unsigned counter; /* statement names */
	/* Between our BEGIN and its COMMIT or ROLLBACK: a connection lost here lost the
	 * transaction, and must not be silently replaced by a new one (a statement run there
	 * would commit on its own, outside the transaction). */
	bool tx;
};

struct pg_stmt {
	struct db_stmt base;
	char name[24];
	char *sql; /* with $n placeholders */
	int nparams;
	unsigned gen;
	char **vals;
	int *lens, *fmts;
	PGresult *res;
	int row, nrows;
	bool executed;
	unsigned char *blob; /* decoded bytea of the last col_blob */
};

#define PG(db) ((struct pg_db *)(db))
#define PS(s)  ((struct pg_stmt *)(s))

/* Translate `?` to $1..$n outside quotes and comments. */
static char *translate(const char *sql, int *nparams)
{
	size_t len = strlen(sql), cap;
	if (!xf_mul_ok(len, 4, &cap) || !xf_add_ok(cap, 16, &cap))
		abort();
	char *out = xmalloc(cap);
	size_t o = 0;
	int n = 0;
	char quote = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = sql[i];
		if (quote) {
			if (ch == quote)
				quote = 0;
			out[o++] = ch;
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
			out[o++] = ch;
		} else if (ch == '-' && sql[i + 1] == '-') {
			while (i < len && sql[i] != '\n')
				out[o++] = sql[i++];
			if (i < len)
				out[o++] = '\n';
		} else if (ch == '?') {
			o += (size_t)snprintf(out + o, cap - o, "$%d", ++n);
		} else {
			out[o++] = ch;
		}
	}
	out[o] = 0;
	*nparams = n;
	return out;
}

/* The connection is gone (a restarted or stopped server): 503, the next request
 * reconnects. */
static int unavailable(struct xf_err *err, const char *msg)
{
	/* libpq's text runs over several lines; the first says what happened. */
	size_t n = strcspn(msg, "\n");
	xf_fail(err, XF_EDB, "db_unavailable", "数据库连接中断，请稍后重试：%.*s", (int)n, msg);
	err->http = 503;
	return XF_EDB;
}

static int fail_res(struct db *db, PGresult *res, struct xf_err *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!msg)
		msg = PQerrorMessage(PG(db)->c);
	if (!state) {
		if (PQstatus(PG(db)->c) != CONNECTION_OK)
			return unavailable(err, msg);
		return xf_fail(err, XF_EDB, "db_error", "数据库错误：%s", msg);
	}
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return xf_fail(err, XF_EBUSY, "serialization_failure", "并发冲突，请重试");
	if (strncmp(state, "23", 2) == 0)
		return xf_fail(err, XF_ECONFLICT, "constraint", "数据冲突：%s", msg);
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
		return unavailable(err, msg);
	/* Server-side faults that pass (disk full, out of memory, a read-only standby): 503. */
	if (strncmp(state, "53", 2) == 0 || strcmp(state, "25006") == 0 ||
	    strncmp(state, "58", 2) == 0) {
		xf_fail(err, XF_EDB, strcmp(state, "53100") == 0 ? "disk_full" : "db_unavailable",
		        "数据库暂时无法写入，请稍后重试（%s）：%s", state, msg);
		err->http = 503;
		return XF_EDB;
	}
	return xf_fail(err, XF_EDB, "db_error", "数据库错误（%s）：%s", state, msg);
}

static void clear_res(struct pg_stmt *s)
{
	if (s->res)
		PQclear(s->res);
	s->res = NULL;
	s->row = s->nrows = 0;
	s->executed = false;
}

static void clear_binds(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
		s->lens[i] = 0;
		s->fmts[i] = 0;
	}
}

static int server_prepare(struct pg_stmt *s, struct xf_err *err)
{
	struct pg_db *db = PG(s->base.db);
	PGresult *r = PQprepare(db->c, s->name, s->sql, s->nparams, NULL);
	int rc = XF_OK;
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = fail_res(&db->base, r, err);
	PQclear(r);
	s->gen = db->gen;
	return rc;
}

static struct db_stmt *pg_prepare(struct db *db, const char *sql, struct xf_err *err)
{
	struct pg_stmt *s = xcalloc(1, sizeof *s);
	s->base.db = db;
	s->sql = translate(sql, &s->nparams);
	snprintf(s->name, sizeof s->name, "s%u", ++PG(db)->counter);
	size_t n = (size_t)(s->nparams ? s->nparams : 1);
	s->vals = xcalloc(n, sizeof *s->vals);
	s->lens = xcalloc(n, sizeof *s->lens);
	s->fmts = xcalloc(n, sizeof *s->fmts);
	if (server_prepare(s, err) != XF_OK) {
		free(s->sql);
		free(s->vals);
		free(s->lens);
		free(s->fmts);
		free(s);
		return NULL;
	}
	return &s->base;
}

static void pg_finalize(struct db_stmt *st)
{
	struct pg_stmt *s = PS(st);
	struct pg_db *db = PG(st->db);
	clear_res(s);
	clear_binds(s);
	if (PQstatus(db->c) == CONNECTION_OK && s->gen == db->gen) {
		char sql[48];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
		PQclear(PQexec(db->c, sql));
	}
	free(s->sql);
	free(s->vals);
	free(s->lens);
	free(s->fmts);
	free(s->blob);
	free(s);
}

static void pg_reset(struct db_stmt *st)
{
	clear_res(PS(st));
	clear_binds(PS(st));
}

static void set_param(struct pg_stmt *s, int idx, char *v, int len, int fmt)
{
	if (idx < 1 || idx > s->nparams) {
		free(v);
		return; /* like SQLite, an out-of-range bind is ignored */
	}
	free(s->vals[idx - 1]);
	s->vals[idx - 1] = v;
	s->lens[idx - 1] = len;
	s->fmts[idx - 1] = fmt;
}

static void pg_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	char tmp[24];
	snprintf(tmp, sizeof tmp, "%lld", (long long)v);
	set_param(PS(st), idx, xstrdup(tmp), 0, 0);
}

static void pg_bind_text(struct db_stmt *st, int idx, const char *v)
{
	set_param(PS(st), idx, xstrdup(v), 0, 0);
}

static void pg_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	if (n > INT32_MAX)
		abort();
	char *copy = xmalloc(n);
	memcpy(copy, p, n);
	set_param(PS(st), idx, copy, (int)n, 1);
}

static void pg_bind_null(struct db_stmt *st, int idx)
{
	set_param(PS(st), idx, NULL, 0, 0);
}

static bool reconnect(struct pg_db *db)
{
	if (PQstatus(db->c) == CONNECTION_OK)
		return true;
	PQreset(db->c);
	if (PQstatus(db->c) != CONNECTION_OK)
		return false;
	db->gen++;
	return true;
}

static int pg_step(struct db_stmt *st, struct xf_err *err)
{
	struct pg_stmt *s = PS(st);
	struct pg_db *db = PG(st->db);
	if (!s->executed) {
		/* Outside a transaction a dropped connection can be retried safely. */
		if (PQstatus(db->c) != CONNECTION_OK && (db->tx || !reconnect(db)))
			return unavailable(err, PQerrorMessage(db->c));
		if (s->gen != db->gen && server_prepare(s, err) != XF_OK)
			return err->status;
		s->res = PQexecPrepared(db->c, s->name, s->nparams, (const char *const *)s->vals,
		                        s->lens, s->fmts, 0);
		s->executed = true;
		ExecStatusType t = PQresultStatus(s->res);
		if (t == PGRES_COMMAND_OK) {
			db->changes = atoll(PQcmdTuples(s->res));
			clear_res(s);
			return DB_DONE;
		}
		if (t != PGRES_TUPLES_OK) {
			int rc = fail_res(&db->base, s->res, err);
			clear_res(s);
			return rc;
		}
		db->changes = atoll(PQcmdTuples(s->res));
		s->nrows = PQntuples(s->res);
		s->row = -1;
	}
	if (++s->row < s->nrows)
		return DB_ROW;
	clear_res(s);
	return DB_DONE;
}

static int64_t pg_col_int(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);
	if (!s->res || PQgetisnull(s->res, s->row, col))
		return 0;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (v[0] == 't' && v[1] == 0)
		return 1;
	return atoll(v);
}

static const char *pg_col_text(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);
	if (!s->res || col >= PQnfields(s->res))
		return "";
	return PQgetvalue(s->res, s->row, col);
}

static const void *pg_col_blob(struct db_stmt *st, int col, size_t *n)
{
	struct pg_stmt *s = PS(st);
	*n = 0;
	if (!s->res || PQgetisnull(s->res, s->row, col))
		return NULL;
	free(s->blob);
	s->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, col), n);
	if (s->blob) {
		/* PQunescapeBytea memory must be released with PQfreemem; keep our own copy. */
		unsigned char *copy = xmalloc(*n ? *n : 1);
		memcpy(copy, s->blob, *n);
		PQfreemem(s->blob);
		s->blob = copy;
	}
	return s->blob;
}

static bool pg_col_null(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);
	return !s->res || PQgetisnull(s->res, s->row, col);
}

static int pg_exec(struct db *db, const char *sql, struct xf_err *err)
{
	/* A lost connection is replaced only where a new unit of work starts: outside our
	 * transactions, or at BEGIN (whatever the old connection was doing is gone). A COMMIT on
	 * a new connection would "succeed" with nothing to commit. */
	bool begin = strncmp(sql, "BEGIN", 5) == 0;
	if (begin)
		PG(db)->tx = false;
	if (PQstatus(PG(db)->c) != CONNECTION_OK && !PG(db)->tx && !reconnect(PG(db)))
		return unavailable(err, PQerrorMessage(PG(db)->c));
	if (strcmp(sql, "COMMIT") == 0 || strcmp(sql, "ROLLBACK") == 0)
		PG(db)->tx = false;
	/* BEGIN IMMEDIATE is SQLite's; on PostgreSQL write jobs run SERIALIZABLE, which gives
	 * them the same guarantee as SQLite's single writer (retried on 40001). */
	if (strcmp(sql, "BEGIN IMMEDIATE") == 0)
		sql = "BEGIN ISOLATION LEVEL SERIALIZABLE";
	PGresult *r = PQexec(PG(db)->c, sql);
	ExecStatusType t = PQresultStatus(r);
	int rc = XF_OK;
	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK && t != PGRES_EMPTY_QUERY)
		rc = fail_res(db, r, err);
	PQclear(r);
	if (begin && rc == XF_OK)
		PG(db)->tx = true;
	return rc;
}

static bool pg_in_tx(struct db *db)
{
	/* Asked after a job (store.c) and before a rollback (db.c): a lost connection has no
	 * transaction any more, and the next statement may connect again. */
	if (PQstatus(PG(db)->c) != CONNECTION_OK)
		PG(db)->tx = false;
	PGTransactionStatusType t = PQtransactionStatus(PG(db)->c);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

static int64_t pg_changes(struct db *db)
{
	return PG(db)->changes;
}

/* Engine-specific catalogue query, outside the portable registry. */
static int pg_table_count(struct db *db, const char *name, int64_t *out, struct xf_err *err)
{
	const char *sql = name ? "SELECT count(*) FROM information_schema.tables"
	                         " WHERE table_schema = current_schema() AND table_name = $1"
	                       : "SELECT count(*) FROM information_schema.tables"
	                         " WHERE table_schema = current_schema()";
	const char *vals[1] = {name};
	PGresult *r = PQexecParams(PG(db)->c, sql, name ? 1 : 0, NULL, vals, NULL, NULL, 0);
	int rc = XF_OK;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = fail_res(db, r, err);
	else
		*out = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	return rc;
}

static void pg_close(struct db *db)
{
	db_base_free(db);
	PQfinish(PG(db)->c);
	free(db);
}

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static const struct db_ops pg_ops = {
    .engine = DB_POSTGRES,
    .close = pg_close,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_null = pg_col_null,
    .exec = pg_exec,
    .in_tx = pg_in_tx,
    .changes = pg_changes,
    .table_count = pg_table_count,
    .backup = NULL,
};

/* The URL without its password, for messages. */
static void redact(const char *url, char *out, size_t n)
{
	const char *scheme = strstr(url, "://");
	const char *at = strchr(url, '@');
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
	if (scheme && at && colon && colon < at)
		snprintf(out, n, "%.*s:***%s", (int)(colon - url), url, at);
	else
		snprintf(out, n, "%s", url);
}

int pg_engine_open(const char *target, int flags, struct db **out, struct xf_err *err)
{
	struct pg_db *db = xcalloc(1, sizeof *db);
	char shown[512];
	redact(target, shown, sizeof shown);
	db_base_init(&db->base, &pg_ops, shown, flags);
	db->c = PQconnectdb(target);
	if (PQstatus(db->c) != CONNECTION_OK) {
		xf_fail(err, XF_EIO, "db_open_failed", "无法连接 PostgreSQL 数据库 %s：%s", shown,
		        PQerrorMessage(db->c));
		pg_close(&db->base);
		return err->status;
	}
	PQsetNoticeProcessor(db->c, quiet, NULL);
	int sv = PQserverVersion(db->c);
	if (sv < 150000) {
		xf_fail(err, XF_EINVAL, "db_version", "需要 PostgreSQL 15 或更新版本（当前 %d）",
		        sv / 10000);
		pg_close(&db->base);
		return err->status;
	}
	const char *setup = (flags & DB_OPEN_READER) ? "SET application_name = 'xingfu';"
	                                               " SET default_transaction_read_only = on"
	                                             : "SET application_name = 'xingfu'";
	if (pg_exec(&db->base, setup, err) != XF_OK) {
		pg_close(&db->base);
		return err->status;
	}
	*out = &db->base;
	return XF_OK;
}
