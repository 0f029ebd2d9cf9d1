/* The engine-neutral half of db.h: dispatch to the engine, the statement cache, the
 * convenience runners and the registry of SQL statements. */
#include "engine.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool db_is_postgres_url(const char *target)
{
	return target && (strncmp(target, "postgresql://", 13) == 0 ||
	                  strncmp(target, "postgres://", 11) == 0);
}

int db_open(const char *target, int flags, struct db **out, struct xf_err *err)
{
	*out = NULL;
	if (!(flags & DB_OPEN_MEMORY) && db_is_postgres_url(target))
		return pg_engine_open(target, flags, out, err);
	return sqlite_engine_open(target, flags, out, err);
}

void db_base_init(struct db *db, const struct db_ops *ops, const char *target, int flags)
{
	db->ops = ops;
	db->target = xstrdup(target);
	db->flags = flags;
	db->cache = NULL;
	db->cache_cap = db->cache_n = 0;
}

void db_base_free(struct db *db)
{
	for (size_t i = 0; i < db->cache_cap; i++)
		if (db->cache[i])
			db->ops->finalize(db->cache[i]);
	free(db->cache);
	free(db->target);
}

void db_close(struct db *db)
{
	if (db)
		db->ops->close(db);
}

enum db_engine db_engine(const struct db *db)
{
	return db->ops->engine;
}

const char *db_target(const struct db *db)
{
	return db->target;
}

static size_t slot_of(const char *key, size_t cap)
{
	uint64_t h = (uintptr_t)key;
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

struct db_stmt *db_prep_(struct db *db, const char *sql, struct xf_err *err)
{
	if (db->cache_cap) {
		size_t j = slot_of(sql, db->cache_cap);
		while (db->cache[j]) {
			if (db->cache[j]->key == sql) {
				db->ops->reset(db->cache[j]);
				return db->cache[j];
			}
			j = (j + 1) & (db->cache_cap - 1);
		}
	}
	struct db_stmt *s = db->ops->prepare(db, sql, err);
	if (!s)
		return NULL;
	s->db = db;
	s->key = sql;
	cache_put(db, s);
	return s;
}

int db_check_sql(struct db *db, const char *sql, struct xf_err *err)
{
	struct db_stmt *s = db->ops->prepare(db, sql, err);
	if (!s)
		return err->status;
	s->db = db;
	s->key = sql;
	db->ops->finalize(s);
	return XF_OK;
}

extern const struct db_sql __start_xf_sql[] __attribute__((weak));
extern const struct db_sql __stop_xf_sql[] __attribute__((weak));

void db_sql_all(const struct db_sql **begin, const struct db_sql **end)
{
	*begin = __start_xf_sql;
	*end = __stop_xf_sql;
}

void db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	st->db->ops->bind_int(st, idx, v);
}

void db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	if (s)
		st->db->ops->bind_text(st, idx, s);
	else
		st->db->ops->bind_null(st, idx);
}

void db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	st->db->ops->bind_blob(st, idx, p, n);
}

void db_bind_null(struct db_stmt *st, int idx)
{
	st->db->ops->bind_null(st, idx);
}

int db_step(struct db_stmt *st, struct xf_err *err)
{
	return st->db->ops->step(st, err);
}

int64_t db_col_int(struct db_stmt *st, int col)
{
	return st->db->ops->col_int(st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
	return st->db->ops->col_text(st, col);
}

const void *db_col_blob(struct db_stmt *st, int col, size_t *n)
{
	return st->db->ops->col_blob(st, col, n);
}

bool db_col_null(struct db_stmt *st, int col)
{
	return st->db->ops->col_null(st, col);
}

void db_reset(struct db_stmt *st)
{
	st->db->ops->reset(st);
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

int db_run_(struct db *db, struct xf_err *err, const char *sql, const char *fmt, ...)
{
	struct db_stmt *st = db_prep_(db, sql, err);
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

int db_int_(struct db *db, struct xf_err *err, int64_t *out, const char *sql, const char *fmt, ...)
{
	struct db_stmt *st = db_prep_(db, sql, err);
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
	return db->ops->exec(db, sql, err);
}

int db_begin(struct db *db, bool immediate, struct xf_err *err)
{
	/* "BEGIN IMMEDIATE" takes SQLite's write lock at once; pg.c runs it as SERIALIZABLE. */
	return db->ops->exec(db, immediate ? "BEGIN IMMEDIATE" : "BEGIN", err);
}

int db_commit(struct db *db, struct xf_err *err)
{
	return db->ops->exec(db, "COMMIT", err);
}

void db_rollback(struct db *db)
{
	struct xf_err e;
	if (db->ops->in_tx(db))
		db->ops->exec(db, "ROLLBACK", &e);
}

int db_savepoint(struct db *db, struct xf_err *err)
{
	return db->ops->exec(db, "SAVEPOINT job", err);
}

int db_release(struct db *db, struct xf_err *err)
{
	return db->ops->exec(db, "RELEASE SAVEPOINT job", err);
}

void db_rollback_to(struct db *db)
{
	struct xf_err e;
	db->ops->exec(db, "ROLLBACK TO SAVEPOINT job", &e);
	db->ops->exec(db, "RELEASE SAVEPOINT job", &e);
}

bool db_in_tx(struct db *db)
{
	return db->ops->in_tx(db);
}

int64_t db_changes(struct db *db)
{
	return db->ops->changes(db);
}

int db_table_count(struct db *db, const char *name, int64_t *out, struct xf_err *err)
{
	return db->ops->table_count(db, name, out, err);
}

int64_t db_stmt_recompiles(struct db_stmt *st)
{
	return st->db->ops->recompiles ? st->db->ops->recompiles(st) : 0;
}

int db_backup(struct db *db, const char *dest, struct xf_err *err)
{
	if (!db->ops->backup)
		return xf_fail(err, XF_EINVAL, "backup_unsupported",
		               "PostgreSQL 数据库请用 pg_dump 备份：pg_dump -Fc -f 备份文件 '%s'",
		               db->target);
	return db->ops->backup(db, dest, err);
}
