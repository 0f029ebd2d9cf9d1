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
};

int db_open(const char *target, int flags, struct db **out, struct xf_err *err);
void db_close(struct db *db);
enum db_engine db_engine(const struct db *db);
const char *db_target(const struct db *db);

/* A prepared statement from this connection's cache (keyed by the SQL text), reset and with
 * bindings cleared. Valid until db_close. Never build SQL from input: bind it. */
struct db_stmt *db_prep(struct db *db, const char *sql, struct xf_err *err);
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
int db_run(struct db *db, struct xf_err *err, const char *sql, const char *fmt, ...);
/* First column of the first row as an integer; XF_ENOTFOUND when no row. */
int db_int(struct db *db, struct xf_err *err, int64_t *out, const char *sql, const char *fmt, ...);
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

/* Copy a consistent snapshot into a new SQLite file at dest (online). */
int db_backup(struct db *db, const char *dest, struct xf_err *err);

#endif
