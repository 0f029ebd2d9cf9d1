/* The storage interface every domain module uses: one connection, prepared statements with
 * `?` placeholders, positional binds and columns, transactions and savepoints. sqlite.c
 * implements it; the PostgreSQL backend (next issue) implements the same functions, so
 * domain SQL stays portable. */
#ifndef XF_DB_H
#define XF_DB_H

#include "../core/xf.h"

struct db;
struct db_stmt;

enum db_engine { DB_SQLITE = 1, DB_POSTGRES = 2 };
enum { DB_ROW = 100, DB_DONE = 101 };

enum db_open_flags {
	DB_OPEN_CREATE = 1, /* create the file if missing */
	DB_OPEN_READER = 2, /* read-only use: query_only */
	DB_OPEN_WRITER = 4, /* the one writer: synchronous=FULL */
	DB_OPEN_MEMORY = 8, /* private in-memory database (unit tests) */
	DB_OPEN_HOT = 16,   /* a reader answering requests: a larger page cache (SQLite) */
};

/* target: a file path (SQLite) or a postgresql:// URL. */
int db_open(const char *target, int flags, struct db **out, struct xf_err *err);
bool db_is_postgres_url(const char *target);
void db_close(struct db *db);
enum db_engine db_engine(const struct db *db);
const char *db_target(const struct db *db);

/* Every SQL statement in the program is a literal registered by DB_SQL in the `xf_sql`
 * section, so `xingfu check` and the tests can prepare all of them on every engine. The
 * macros below register their SQL argument; passing anything but a literal fails to compile,
 * which is the point: SQL is never built from input. */
struct db_sql {
	const char *text;
	const char *file;
	int line;
};
#define DB_SQL(s)                                                                                  \
	(__extension__({                                                                           \
		static const struct db_sql xf_sql_entry_                                           \
		    __attribute__((used, section("xf_sql"), aligned(8))) = {s, __FILE__,           \
		                                                            __LINE__};             \
		xf_sql_entry_.text;                                                                \
	}))
/* All statements registered in this binary: [*begin, *end). */
void db_sql_all(const struct db_sql **begin, const struct db_sql **end);

/* A prepared statement from this connection's cache (keyed by the SQL text), reset and with
 * bindings cleared. Valid until db_close. */
#define db_prep(db, sql, err) db_prep_((db), DB_SQL(sql), (err))
struct db_stmt *db_prep_(struct db *db, const char *sql, struct xf_err *err);
/* Prepare without the cache (for `xingfu check`): XF_OK or the engine's complaint. */
int db_check_sql(struct db *db, const char *sql, struct xf_err *err);
void db_bind_int(struct db_stmt *st, int idx, int64_t v);
void db_bind_text(struct db_stmt *st, int idx, const char *s); /* NULL binds NULL */
void db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n);
void db_bind_null(struct db_stmt *st, int idx);
/* DB_ROW, DB_DONE, or a negative status with err filled. */
int db_step(struct db_stmt *st, struct xf_err *err);
int64_t db_col_int(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col); /* "" for NULL */
const void *db_col_blob(struct db_stmt *st, int col, size_t *n);
bool db_col_null(struct db_stmt *st, int col);
/* Reset a statement early (not needed after DB_DONE). */
void db_reset(struct db_stmt *st);

/* Run a statement with no result rows; binds from a format: i=int64, t=text, n=null. */
#define db_run(db, err, sql, ...) db_run_((db), (err), DB_SQL(sql), __VA_ARGS__)
int db_run_(struct db *db, struct xf_err *err, const char *sql, const char *fmt, ...);
/* First column of the first row as an integer; XF_ENOTFOUND when no row. */
#define db_int(db, err, out, sql, ...) db_int_((db), (err), (out), DB_SQL(sql), __VA_ARGS__)
int db_int_(struct db *db, struct xf_err *err, int64_t *out, const char *sql, const char *fmt, ...);
/* Several statements without parameters (DDL, migrations). */
int db_exec_script(struct db *db, const char *sql, struct xf_err *err);

int db_begin(struct db *db, bool immediate, struct xf_err *err);
int db_commit(struct db *db, struct xf_err *err);
void db_rollback(struct db *db);
int db_savepoint(struct db *db, struct xf_err *err);
int db_release(struct db *db, struct xf_err *err);
void db_rollback_to(struct db *db);
/* False when the engine has dropped the open transaction by itself (SQLITE_FULL, IOERR…). */
bool db_in_tx(struct db *db);
int64_t db_changes(struct db *db);
/* Number of tables in the application's schema (0 = empty database); with name, 1 if that
 * table exists. */
int db_table_count(struct db *db, const char *name, int64_t *out, struct xf_err *err);

/* Copy a consistent snapshot into a new SQLite file at dest (online; SQLite only). */
int db_backup(struct db *db, const char *dest, struct xf_err *err);
/* How many times the engine compiled this (cached) statement again since it was prepared:
 * SQLite would redo it whenever a LIKE pattern is bound anew unless told not to (every
 * search would parse and plan its SQL again; docs/PERFORMANCE.md). 0 on PostgreSQL. */
int64_t db_stmt_recompiles(struct db_stmt *st);

#endif
