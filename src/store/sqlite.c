/* db.h on SQLite: WAL, STRICT tables, foreign keys. */
#include "engine.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

/* Transaction control ("BEGIN", "COMMIT", "SAVEPOINT job", …) runs on every request: kept
 * prepared instead of parsed each time by sqlite3_exec. */
#define SQ_CTL     8
#define SQ_CTL_LEN 32

/* place_name(id) on a reader: the names it has read, each with the connection's data version
 * then (SQLITE_FCNTL_DATA_VERSION, which moves whenever this connection finds the database
 * changed by anyone, any process), so a name is reused only while nothing at all has been
 * written since. Two ways per set, 16,384 names of up to 47 bytes (1 MiB, made on first
 * use); a longer name is read every time. */
#define SQ_NAMES     16384
#define SQ_NAME_SIZE 48
struct sq_names {
	sqlite3_stmt *st;
	struct sq_name {
		int64_t id;
		unsigned version;
		char name[SQ_NAME_SIZE];
	} e[SQ_NAMES];
};

struct sq_db {
	struct db base;
	sqlite3 *h;
	char ctl_sql[SQ_CTL][SQ_CTL_LEN + 1];
	sqlite3_stmt *ctl[SQ_CTL];
	struct sq_names *names; /* a reader's, made on first use */
	sqlite3_stmt *name_st;  /* the writer's: no reuse (its own uncommitted changes) */
	/* The data version of the explicit transaction under way, once place_name has asked
	 * for it (a snapshot's version does not move): forgotten by every transaction control
	 * statement (sq_exec), and used only while SQLite is inside a transaction. */
	unsigned txn_version;
	bool txn_version_known;
};

struct sq_stmt {
	struct db_stmt base;
	sqlite3_stmt *st;
};

/* A savepoint's journal stays in memory up to this many bytes (see sq_global_config). */
#define SQ_SAVEPOINT_JOURNAL_MEMORY (128 << 10)

#define SQ(db) ((struct sq_db *)(db))
#define ST(s)  (((struct sq_stmt *)(s))->st)

static int map_rc(struct db *db, int rc, struct xf_err *err)
{
	const char *msg = db && SQ(db)->h ? sqlite3_errmsg(SQ(db)->h) : sqlite3_errstr(rc);
	const char *target = db ? db->target : "";
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return xf_fail(err, XF_EBUSY, "db_busy", "数据库繁忙，请稍后重试");
	case SQLITE_CONSTRAINT:
		return xf_fail(err, XF_ECONFLICT, "constraint", "数据冲突：%s", msg);
	case SQLITE_NOTADB:
		return xf_fail(err, XF_EINVAL, "not_a_database", "文件不是 xingfu 数据库（%s）",
		               target);
	case SQLITE_CORRUPT:
		return xf_fail(err, XF_EDB, "db_corrupt", "数据库文件已损坏：%s", msg);
	/* Faults of the disk under the database are the server's, not the request's, and pass
	 * when the operator fixes them: 503, so clients retry (tests/ops/test_faults.sh). */
	case SQLITE_FULL:
		xf_fail(err, XF_EDB, "disk_full", "磁盘已满，暂时无法写入，请稍后重试");
		err->http = 503;
		return XF_EDB;
	case SQLITE_CANTOPEN: {
		struct statvfs vfs;
		if (*target && statvfs(target, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
			return xf_fail(
			    err, XF_EIO, "db_readonly",
			    "无法打开数据库 %s：它所在的文件系统是只读的（SQLite 还要在同一"
			    "目录写 -wal 和 -shm 文件）",
			    target);
		return xf_fail(err, XF_EIO, "db_open_failed", "无法打开数据库 %s：%s", target, msg);
	}
	case SQLITE_READONLY:
		xf_fail(err, XF_EDB, "db_readonly", "数据库只读，暂时无法写入，请稍后重试（%s）",
		        msg);
		err->http = 503;
		return XF_EDB;
	case SQLITE_IOERR:
		xf_fail(err, XF_EDB, "db_io_error", "数据库读写出错，请稍后重试（%s）", msg);
		err->http = 503;
		return XF_EDB;
	default:
		return xf_fail(err, XF_EDB, "db_error", "数据库错误：%s", msg);
	}
}

static void sq_close(struct db *db)
{
	for (int i = 0; i < SQ_CTL; i++)
		sqlite3_finalize(SQ(db)->ctl[i]);
	if (SQ(db)->names)
		sqlite3_finalize(SQ(db)->names->st);
	free(SQ(db)->names);
	sqlite3_finalize(SQ(db)->name_st);
	db_base_free(db);
	sqlite3_close_v2(SQ(db)->h);
	free(db);
}

static struct db_stmt *sq_prepare(struct db *db, const char *sql, struct xf_err *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v3(SQ(db)->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		map_rc(db, rc, err);
		return NULL;
	}
	struct sq_stmt *s = xcalloc(1, sizeof *s);
	s->st = st;
	return &s->base;
}

static void sq_finalize(struct db_stmt *s)
{
	sqlite3_finalize(ST(s));
	free(s);
}

static void sq_reset(struct db_stmt *s)
{
	sqlite3_reset(ST(s));
	sqlite3_clear_bindings(ST(s));
}

static void sq_bind_int(struct db_stmt *s, int idx, int64_t v)
{
	sqlite3_bind_int64(ST(s), idx, v);
}

static void sq_bind_text(struct db_stmt *s, int idx, const char *v)
{
	sqlite3_bind_text(ST(s), idx, v, -1, SQLITE_TRANSIENT);
}

static void sq_bind_blob(struct db_stmt *s, int idx, const void *p, size_t n)
{
	sqlite3_bind_blob64(ST(s), idx, p, n, SQLITE_TRANSIENT);
}

static void sq_bind_null(struct db_stmt *s, int idx)
{
	sqlite3_bind_null(ST(s), idx);
}

static int sq_step(struct db_stmt *s, struct xf_err *err)
{
	int rc = sqlite3_step(ST(s));
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(ST(s));
		return DB_DONE;
	}
	int status = map_rc(s->db, rc, err);
	sqlite3_reset(ST(s));
	return status;
}

static int64_t sq_col_int(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(ST(s), col);
}

static const char *sq_col_text(struct db_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(ST(s), col);
	return t ? (const char *)t : "";
}

static const void *sq_col_blob(struct db_stmt *s, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(ST(s), col);
	*n = (size_t)sqlite3_column_bytes(ST(s), col);
	return p;
}

static bool sq_col_null(struct db_stmt *s, int col)
{
	return sqlite3_column_type(ST(s), col) == SQLITE_NULL;
}

/* One short control statement through the kept statements; NULL when it isn't one. */
static sqlite3_stmt *ctl_stmt(struct db *db, const char *sql)
{
	struct sq_db *d = SQ(db);
	int i = 0;
	for (; i < SQ_CTL && d->ctl[i]; i++)
		if (strcmp(d->ctl_sql[i], sql) == 0)
			return d->ctl[i];
	if (i == SQ_CTL || strlen(sql) > SQ_CTL_LEN || strchr(sql, ';'))
		return NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL; /* sqlite3_exec below reports the error */
	memcpy(d->ctl_sql[i], sql, strlen(sql) + 1);
	d->ctl[i] = st;
	return st;
}

static int sq_exec(struct db *db, const char *sql, struct xf_err *err)
{
	SQ(db)->txn_version_known = false; /* BEGIN, COMMIT, ROLLBACK, … */
	sqlite3_stmt *st = ctl_stmt(db, sql);
	if (st) {
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW)
			return map_rc(db, rc, err);
		return XF_OK;
	}
	char *msg = NULL;
	int rc = sqlite3_exec(SQ(db)->h, sql, NULL, NULL, &msg);
	sqlite3_free(msg);
	if (rc != SQLITE_OK)
		return map_rc(db, rc, err);
	return XF_OK;
}

static bool sq_in_tx(struct db *db)
{
	return !sqlite3_get_autocommit(SQ(db)->h);
}

static int64_t sq_changes(struct db *db)
{
	return sqlite3_changes64(SQ(db)->h);
}

/* Engine-specific catalogue query: uses sqlite3 directly, outside the portable registry. */
static int sq_table_count(struct db *db, const char *name, int64_t *out, struct xf_err *err)
{
	sqlite3_stmt *st;
	const char *sql =
	    name ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	         : "SELECT count(*) FROM sqlite_master";
	int rc = sqlite3_prepare_v2(SQ(db)->h, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(db, rc, err);
	if (name)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? XF_OK : map_rc(db, rc, err);
}

static int sq_backup(struct db *db, const char *dest, struct xf_err *err)
{
	sqlite3 *out;
	int rc = sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		xf_fail(err, XF_EIO, "backup_failed", "无法创建备份文件 %s：%s", dest,
		        sqlite3_errmsg(out));
		sqlite3_close(out);
		return err->status;
	}
	sqlite3_backup *b = sqlite3_backup_init(out, "main", SQ(db)->h, "main");
	if (!b) {
		xf_fail(err, XF_EIO, "backup_failed", "备份失败：%s", sqlite3_errmsg(out));
		sqlite3_close(out);
		return err->status;
	}
	/* One step copies everything under one read transaction: a consistent snapshot. */
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		xf_fail(err, XF_EIO, "backup_failed", "备份失败：%s", sqlite3_errstr(rc));
		sqlite3_close(out);
		return err->status;
	}
	rc = sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	sqlite3_close(out);
	if (rc != SQLITE_OK)
		return xf_fail(err, XF_EIO, "backup_failed", "备份文件收尾失败");
	return XF_OK;
}

static int64_t sq_recompiles(struct db_stmt *st)
{
	return sqlite3_stmt_status(ST(st), SQLITE_STMTSTATUS_REPREPARE, 0);
}

static const struct db_ops sqlite_ops = {
    .engine = DB_SQLITE,
    .close = sq_close,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .reset = sq_reset,
    .bind_int = sq_bind_int,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .col_null = sq_col_null,
    .exec = sq_exec,
    .in_tx = sq_in_tx,
    .changes = sq_changes,
    .table_count = sq_table_count,
    .backup = sq_backup,
    .recompiles = sq_recompiles,
};

/* SQLite counts its memory under one process-wide mutex unless told not to: with a reader
 * per HTTP thread that mutex was the most contended lock of a read (bench/ab.sh: a case
 * read 64 → 54 µs of CPU).
 * Every write job runs in its own SAVEPOINT, whose journal (the pages as they were before
 * the job) SQLite moves to a temporary file past 64 KiB: a case creation changes a little
 * more than that, so each one cost ~44 pwrite calls to that file. Kept in memory up to
 * 128 KiB, case creations went from ~9,400/s to ~14,000/s (docs/PERFORMANCE.md, fourth
 * round). Not more: with a limit of 256 KiB or above, SQLite 3.40 fails any savepoint whose
 * journal does spill with "database or disk is full" (unit_store tests both sides). */
static void sq_global_config(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, SQ_SAVEPOINT_JOURNAL_MEMORY);
}

/* place_name(id): the name of place id, or NULL. A people page shows each person's place:
 * ~20 lookups of places by id, each a descent of its B-tree and often a page read from the
 * kernel (16 of a city people search's 59 µs); the same few thousand places come back again
 * and again, and places change rarely. PostgreSQL has the same function in SQL (migration
 * 0016). */
static void sq_place_name(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct sq_db *d = sqlite3_user_data(cx);
	if (sqlite3_value_type(argv[0]) != SQLITE_INTEGER) {
		sqlite3_result_null(cx);
		return;
	}
	int64_t id = sqlite3_value_int64(argv[0]);
	unsigned version = 0;
	/* Only inside a read transaction is the version that of the snapshot being read (a
	 * statement that reads no table, "SELECT place_name(7)", opens none). Inside an explicit
	 * one (a GET's), asked once: the page's 20 names then cost no file control each. */
	bool explicit_txn = !sqlite3_get_autocommit(d->h), reuse = false;
	if (!(d->base.flags & DB_OPEN_READER)) {
		reuse = false;
	} else if (explicit_txn && d->txn_version_known) {
		version = d->txn_version;
		reuse = true;
	} else if (sqlite3_txn_state(d->h, "main") == SQLITE_TXN_READ &&
	           sqlite3_file_control(d->h, "main", SQLITE_FCNTL_DATA_VERSION, &version) ==
	               SQLITE_OK) {
		reuse = true;
		if (explicit_txn) {
			d->txn_version = version;
			d->txn_version_known = true;
		}
	}
	if (reuse && !d->names && !(d->names = calloc(1, sizeof *d->names)))
		reuse = false;
	struct sq_name *set = reuse ? &d->names->e[(uint64_t)id % SQ_NAMES & ~(uint64_t)1] : NULL,
	               *e = NULL;
	for (int i = 0; set && i < 2; i++)
		if (set[i].id == id && set[i].version == version) {
			sqlite3_result_text(cx, set[i].name, -1, SQLITE_TRANSIENT);
			return;
		}
	if (set) { /* the new name goes first; the first moves over unless it is stale */
		if (set[0].id && set[0].version == version)
			set[1] = set[0];
		e = &set[0];
	}
	sqlite3_stmt **st = reuse ? &d->names->st : &d->name_st;
	if (!*st) {
		int rc = sqlite3_prepare_v3(d->h, DB_SQL("SELECT name FROM places WHERE id = ?"),
		                            -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
		if (rc != SQLITE_OK) {
			sqlite3_result_error_code(cx, rc);
			return;
		}
	}
	sqlite3_bind_int64(*st, 1, id);
	int rc = sqlite3_step(*st);
	if (rc == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(*st, 0);
		int n = sqlite3_column_bytes(*st, 0);
		sqlite3_result_text(cx, name ? name : "", n, SQLITE_TRANSIENT);
		if (e && name && n < SQ_NAME_SIZE) {
			memcpy(e->name, name, (size_t)n + 1);
			e->id = id;
			e->version = version;
		}
	} else if (rc == SQLITE_DONE) {
		sqlite3_result_null(cx);
	} else {
		sqlite3_result_error_code(cx, rc);
	}
	sqlite3_reset(*st);
}

int sqlite_engine_open(const char *target, int flags, struct db **out, struct xf_err *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sq_global_config);
	struct sq_db *db = xcalloc(1, sizeof *db);
	db_base_init(&db->base, &sqlite_ops, (flags & DB_OPEN_MEMORY) ? ":memory:" : target, flags);
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (flags & (DB_OPEN_CREATE | DB_OPEN_MEMORY))
		oflags |= SQLITE_OPEN_CREATE;
	int rc = sqlite3_open_v2(db->base.target, &db->h, oflags, NULL);
	if (rc != SQLITE_OK) {
		map_rc(&db->base, rc, err);
		sq_close(&db->base);
		return err->status;
	}
	sqlite3_extended_result_codes(db->h, 1);
	/* Plans are fixed at prepare time: without this SQLite compiles a statement again
	 * whenever a LIKE pattern is bound (every people, place or account search). */
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_ENABLE_QPSG, 1, (int *)NULL);
	sqlite3_busy_timeout(db->h, 15000);
	if ((rc =
	         sqlite3_create_function_v2(db->h, "place_name", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY,
	                                    db, sq_place_name, NULL, NULL, NULL)) != SQLITE_OK) {
		map_rc(&db->base, rc, err);
		sq_close(&db->base);
		return err->status;
	}
	/* Touch the file: a non-database fails here, before anything else happens. */
	const char *setup = (flags & DB_OPEN_MEMORY) ? "PRAGMA foreign_keys=ON;"
	                    : (flags & DB_OPEN_READER)
	                        ? "PRAGMA foreign_keys=ON; PRAGMA query_only=1;"
	                        : "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
	                          " PRAGMA synchronous=FULL;";
	/* A reader answering requests keeps 8 MiB of pages: with SQLite's default 2 MiB it
	 * re-read ~5 pages per case card from the kernel under a mixed load, none with 8 MiB
	 * (16 MiB, better-sqlite3's, also spared the people search's ~3 but cost 16 MB more
	 * RSS). Threads that scan keep the default (docs/PERFORMANCE.md, fourth round). */
	if (sq_exec(&db->base, "SELECT count(*) FROM sqlite_master;", err) != XF_OK ||
	    sq_exec(&db->base, setup, err) != XF_OK ||
	    ((flags & DB_OPEN_HOT) &&
	     sq_exec(&db->base, "PRAGMA cache_size=-8192;", err) != XF_OK)) {
		sq_close(&db->base);
		return err->status;
	}
	*out = &db->base;
	return XF_OK;
}
