/* What an engine (sqlite.c, pg.c) provides behind db.h. Only store/ includes this. */
#ifndef XF_ENGINE_H
#define XF_ENGINE_H

#include "db.h"

struct db_ops {
	enum db_engine engine;
	void (*close)(struct db *db);
	/* A fresh statement (not cached); NULL with err filled. */
	struct db_stmt *(*prepare)(struct db *db, const char *sql, struct xf_err *err);
	void (*finalize)(struct db_stmt *st);
	void (*reset)(struct db_stmt *st); /* and clear bindings */
	void (*bind_int)(struct db_stmt *st, int idx, int64_t v);
	void (*bind_text)(struct db_stmt *st, int idx, const char *s);
	void (*bind_blob)(struct db_stmt *st, int idx, const void *p, size_t n);
	void (*bind_null)(struct db_stmt *st, int idx);
	int (*step)(struct db_stmt *st, struct xf_err *err);
	int64_t (*col_int)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	const void *(*col_blob)(struct db_stmt *st, int col, size_t *n);
	bool (*col_null)(struct db_stmt *st, int col);
	int (*exec)(struct db *db, const char *sql, struct xf_err *err);
	bool (*in_tx)(struct db *db);
	int64_t (*changes)(struct db *db);
	int (*table_count)(struct db *db, const char *name, int64_t *out, struct xf_err *err);
	int (*backup)(struct db *db, const char *dest, struct xf_err *err);
	/* How often the engine compiled this statement again; NULL: never does. */
	int64_t (*recompiles)(struct db_stmt *st);
};

/* Engines put these first in their own structs. */
struct db {
	const struct db_ops *ops;
	char *target;
	int flags;
	struct db_stmt **cache; /* open addressing by SQL text address */
	size_t cache_cap, cache_n;
};

struct db_stmt {
	struct db *db;
	const char *key;
};

int sqlite_engine_open(const char *target, int flags, struct db **out, struct xf_err *err);
int pg_engine_open(const char *target, int flags, struct db **out, struct xf_err *err);
/* Shared by engines: base fields, and freeing the statement cache. */
void db_base_init(struct db *db, const struct db_ops *ops, const char *target, int flags);
void db_base_free(struct db *db);

#endif
