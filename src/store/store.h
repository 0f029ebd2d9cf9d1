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

/* Histogram buckets of the writer (for /metrics): batch sizes ≤ 1, 2, 4 … 512 jobs, and
 * times ≤ store_time_bounds_us[i]; the last count of each is "more than the last bound". */
#define STORE_BATCH_BUCKETS 10
#define STORE_TIME_BUCKETS  12
extern const int64_t store_time_bounds_us[STORE_TIME_BUCKETS];

struct writer_stats {
	uint64_t jobs;      /* jobs run */
	uint64_t commits;   /* batches committed */
	uint64_t failed;    /* batches that failed as a whole */
	uint64_t max_batch; /* largest batch committed */
	uint64_t retries;   /* PostgreSQL transactions rerun after a serialization failure */
	uint64_t queued;    /* jobs waiting for a writer now */
	uint64_t batch_hist[STORE_BATCH_BUCKETS + 1]; /* committed batches by size */
	uint64_t tx_hist[STORE_TIME_BUCKETS + 1];     /* batch transactions, BEGIN to COMMIT done */
	uint64_t commit_hist[STORE_TIME_BUCKETS + 1]; /* the COMMIT alone (the fsync) */
	uint64_t tx_us, commit_us;                    /* their sums, microseconds */
};

/* Schema version this binary knows. */
int store_schema_version(void);
/* The text of migration `version` for db's engine, or NULL. */
const char *store_migration_text(struct db *db, int version);
/* Apply pending migrations (creating the schema on a new database). */
int store_migrate(struct db *db, struct xf_err *err);
/* What store_migrate would do (pending migrations, repairs of databases made by releases whose
 * migrations were later edited), one line each to fn, changing nothing. */
int store_migrate_plan(struct db *db, void (*fn)(const char *what, void *ctx), void *ctx,
                       struct xf_err *err);
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
/* Before its first store_reader: this thread scans (the scheduler's rollups, exports, counts
 * done live) rather than answering many small reads, so its reader keeps SQLite's small
 * default page cache — a large one would only hold the last scan's pages in memory. */
void store_thread_scans(void);
/* Queue a job; job->done is called when it is settled. */
void store_submit(struct store *s, struct write_job *job);
/* Run fn as a job and wait until its batch is durable. */
int store_write(struct store *s, int (*fn)(struct db *, void *, struct xf_err *), void *arg,
                struct xf_err *err);
struct writer_stats store_stats(struct store *s);
/* Largest number of jobs one commit may carry. */
#define STORE_MAX_BATCH 512

#endif
