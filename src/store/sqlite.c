/* db.h on SQLite: WAL, STRICT tables, foreign keys; a per-connection statement cache. */
#include "db.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct db_stmt {
	struct db *db;
	sqlite3_stmt *st;
	const char *key;
};

struct db {
	sqlite3 *h;
	char *target;
	struct db_stmt **cache; /* open addressing by SQL text pointer */
	size_t cache_cap, cache_n;
	int sp_depth;
};

static int map_rc(struct db *db, int rc, struct xf_err *err)
{
	const char *msg = db && db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return xf_fail(err, XF_EBUSY, "db_busy", "数据库繁忙，请稍后重试");
	case SQLITE_CONSTRAINT:
		return xf_fail(err, XF_ECONFLICT, "constraint", "数据冲突：%s", msg);
	case SQLITE_NOTADB:
		return xf_fail(err, XF_EINVAL, "not_a_database", "文件不是 xingfu 数据库（%s）",
		               db ? db->target : "");
	case SQLITE_CORRUPT:
		return xf_fail(err, XF_EDB, "db_corrupt", "数据库文件已损坏：%s", msg);
	case SQLITE_FULL:
		return xf_fail(err, XF_EDB, "disk_full", "磁盘已满，写入失败");
	case SQLITE_CANTOPEN:
		return xf_fail(err, XF_EIO, "db_open_failed", "无法打开数据库 %s：%s",
		               db ? db->target : "", msg);
	case SQLITE_READONLY:
		return xf_fail(err, XF_EDB, "db_readonly", "数据库只读：%s", msg);
	default:
		return xf_fail(err, XF_EDB, "db_error", "数据库错误：%s", msg);
	}
}

int db_open(const char *target, int flags, struct db **out, struct xf_err *err)
{
	*out = NULL;
	struct db *db = xcalloc(1, sizeof *db);
	db->target = xstrdup((flags & DB_OPEN_MEMORY) ? ":memory:" : target);
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (flags & (DB_OPEN_CREATE | DB_OPEN_MEMORY))
		oflags |= SQLITE_OPEN_CREATE;
	int rc = sqlite3_open_v2(db->target, &db->h, oflags, NULL);
	if (rc != SQLITE_OK) {
		map_rc(db, rc, err);
		db_close(db);
		return err->status;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, 15000);
	/* Touch the file: a non-database fails here, before anything else happens. */
	const char *setup = (flags & DB_OPEN_MEMORY) ? "PRAGMA foreign_keys=ON;"
	                    : (flags & DB_OPEN_READER)
	                        ? "PRAGMA foreign_keys=ON; PRAGMA query_only=1;"
	                        : "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
	                          " PRAGMA synchronous=FULL;";
	if (db_exec_script(db, "SELECT count(*) FROM sqlite_master;", err) != XF_OK ||
	    db_exec_script(db, setup, err) != XF_OK) {
		db_close(db);
		return err->status;
	}
	*out = db;
	return XF_OK;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->cache_cap; i++) {
		if (db->cache[i]) {
			sqlite3_finalize(db->cache[i]->st);
			free(db->cache[i]);
		}
	}
	free(db->cache);
	sqlite3_close_v2(db->h);
	free(db->target);
	free(db);
}

enum db_engine db_engine(const struct db *db)
{
	(void)db;
	return DB_SQLITE;
}

const char *db_target(const struct db *db)
{
	return db->target;
}

static size_t slot_of(const char *key, size_t cap)
{
	uintptr_t h = (uintptr_t)key;
	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 7) & (cap - 1);
}

static void cache_put(struct db *db, struct db_stmt *s)
{
	if ((db->cache_n + 1) * 2 > db->cache_cap) {
		size_t ncap = db->cache_cap ? db->cache_cap * 2 : 64;
		struct db_stmt **n = xcalloc(ncap, sizeof *n);
		for (size_t i = 0; i < db->cache_cap; i++) {
			struct db_stmt *e = db->cache[i];
			if (!e)
				continue;
			size_t j = slot_of(e->key, ncap);
			while (n[j])
				j = (j + 1) & (ncap - 1);
			n[j] = e;
		}
		free(db->cache);
		db->cache = n;
		db->cache_cap = ncap;
	}
	size_t j = slot_of(s->key, db->cache_cap);
	while (db->cache[j])
		j = (j + 1) & (db->cache_cap - 1);
	db->cache[j] = s;
	db->cache_n++;
}

struct db_stmt *db_prep(struct db *db, const char *sql, struct xf_err *err)
{
	if (db->cache_cap) {
		size_t j = slot_of(sql, db->cache_cap);
		while (db->cache[j]) {
			if (db->cache[j]->key == sql) {
				struct db_stmt *s = db->cache[j];
				sqlite3_reset(s->st);
				sqlite3_clear_bindings(s->st);
				return s;
			}
			j = (j + 1) & (db->cache_cap - 1);
		}
	}
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		map_rc(db, rc, err);
		return NULL;
	}
	struct db_stmt *s = xmalloc(sizeof *s);
	s->db = db;
	s->st = st;
	s->key = sql;
	cache_put(db, s);
	return s;
}

void db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(st->st, idx, v);
}

void db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st->st, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st->st, idx);
}

void db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	sqlite3_bind_blob64(st->st, idx, p, n, SQLITE_TRANSIENT);
}

void db_bind_null(struct db_stmt *st, int idx)
{
	sqlite3_bind_null(st->st, idx);
}

int db_step(struct db_stmt *st, struct xf_err *err)
{
	int rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st->st);
		return DB_DONE;
	}
	int status = map_rc(st->db, rc, err);
	sqlite3_reset(st->st);
	return status;
}

int64_t db_col_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(st->st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st->st, col);
	return t ? (const char *)t : "";
}

const void *db_col_blob(struct db_stmt *st, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(st->st, col);
	*n = (size_t)sqlite3_column_bytes(st->st, col);
	return p;
}

bool db_col_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

void db_reset(struct db_stmt *st)
{
	sqlite3_reset(st->st);
}

static void bindv(struct db_stmt *st, const char *fmt, va_list ap)
{
	int idx = 1;
	for (const char *f = fmt; f && *f; f++, idx++) {
		switch (*f) {
		case 'i':
			db_bind_int(st, idx, va_arg(ap, int64_t));
			break;
		case 't':
			db_bind_text(st, idx, va_arg(ap, const char *));
			break;
		case 'n':
			db_bind_null(st, idx);
			break;
		default:
			abort(); /* programming error in a format string */
		}
	}
}

int db_run(struct db *db, struct xf_err *err, const char *sql, const char *fmt, ...)
{
	struct db_stmt *st = db_prep(db, sql, err);
	if (!st)
		return err->status;
	va_list ap;
	va_start(ap, fmt);
	bindv(st, fmt, ap);
	va_end(ap);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		;
	return rc == DB_DONE ? XF_OK : rc;
}

int db_int(struct db *db, struct xf_err *err, int64_t *out, const char *sql, const char *fmt, ...)
{
	struct db_stmt *st = db_prep(db, sql, err);
	if (!st)
		return err->status;
	va_list ap;
	va_start(ap, fmt);
	bindv(st, fmt, ap);
	va_end(ap);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		*out = db_col_int(st, 0);
		db_reset(st);
		return XF_OK;
	}
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有找到记录");
	return rc;
}

int db_exec_script(struct db *db, const char *sql, struct xf_err *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	sqlite3_free(msg);
	if (rc != SQLITE_OK)
		return map_rc(db, rc, err);
	return XF_OK;
}

int db_begin(struct db *db, bool immediate, struct xf_err *err)
{
	db->sp_depth = 0;
	return db_exec_script(db, immediate ? "BEGIN IMMEDIATE" : "BEGIN", err);
}

int db_commit(struct db *db, struct xf_err *err)
{
	return db_exec_script(db, "COMMIT", err);
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int db_savepoint(struct db *db, struct xf_err *err)
{
	return db_exec_script(db, "SAVEPOINT job", err);
}

int db_release(struct db *db, struct xf_err *err)
{
	return db_exec_script(db, "RELEASE job", err);
}

void db_rollback_to(struct db *db)
{
	sqlite3_exec(db->h, "ROLLBACK TO job; RELEASE job", NULL, NULL, NULL);
}

bool db_in_tx(struct db *db)
{
	return !sqlite3_get_autocommit(db->h);
}

int64_t db_changes(struct db *db)
{
	return sqlite3_changes64(db->h);
}

int db_backup(struct db *db, const char *dest, struct xf_err *err)
{
	sqlite3 *out;
	int rc = sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		xf_fail(err, XF_EIO, "backup_failed", "无法创建备份文件 %s：%s", dest,
		        sqlite3_errmsg(out));
		sqlite3_close(out);
		return err->status;
	}
	sqlite3_backup *b = sqlite3_backup_init(out, "main", db->h, "main");
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
