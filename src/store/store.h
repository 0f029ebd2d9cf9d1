/* A deployment's database as the rest of the program sees it: schema migrations, settings
 * in `meta`, one read connection per thread, and the single writer with group commit. */
#ifndef XF_STORE_H
#define XF_STORE_H

#include "db.h"

struct store;

/* A unit of write work. fn runs on the writer thread inside its own SAVEPOINT; a failure
 * rolls back only this job. done (optional) runs on the writer thread after the batch is
 * durable (or failed): that is when an answer may be released. */
struct write_job {
	int (*fn)(struct db *db, void *arg, struct xf_err *err);
	void *arg;
	void (*done)(struct write_job *job);
	void *done_ctx;
	int status; /* XF_OK or the failure */
	struct xf_err err;
	struct write_job *next;
};

struct writer_stats {
	uint64_t jobs;      /* jobs run */
	uint64_t commits;   /* batches committed */
	uint64_t failed;    /* batches that failed as a whole */
	uint64_t max_batch; /* largest batch committed */
	uint64_t retries;   /* PostgreSQL transactions rerun after a serialization failure */
};

/* Schema version this binary knows. */
int store_schema_version(void);
/* Apply pending migrations (creating the schema on a new database). */
int store_migrate(struct db *db, struct xf_err *err);
/* Current version of an open database (0 when empty). */
int store_db_version(struct db *db, int64_t *out, struct xf_err *err);
/* XF_OK only if the database is at this binary's version; clear messages otherwise. */
int store_check_version(struct db *db, struct xf_err *err);
int store_meta_get(struct db *db, const char *key, char *out, size_t outlen, struct xf_err *err);
int store_meta_set(struct db *db, const char *key, const char *value, struct xf_err *err);

/* Open a store on an existing, current database and start its writer thread. */
int store_open(const char *target, struct store **out, struct xf_err *err);
void store_close(struct store *s);
const char *store_target(const struct store *s);
enum db_engine store_engine(const struct store *s);
/* This thread's read connection (opened on first use, closed when the thread ends). */
struct db *store_reader(struct store *s, struct xf_err *err);
/* Queue a job; job->done is called when it is settled. */
void store_submit(struct store *s, struct write_job *job);
/* Run fn as a job and wait until its batch is durable. */
int store_write(struct store *s, int (*fn)(struct db *, void *, struct xf_err *), void *arg,
                struct xf_err *err);
struct writer_stats store_stats(struct store *s);
/* Largest number of jobs one commit may carry. */
#define STORE_MAX_BATCH 512

#endif
