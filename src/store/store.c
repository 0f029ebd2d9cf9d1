#include "store.h"
#include "../core/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

struct embedded_file {
	int version;
	const char *name;
	const char *text;
};
extern const struct embedded_file xf_migrations_sqlite[];
extern const struct embedded_file xf_migrations_postgres[];

static const struct embedded_file *migrations_for(struct db *db)
{
	return db_engine(db) == DB_POSTGRES ? xf_migrations_postgres : xf_migrations_sqlite;
}

static int max_version(const struct embedded_file *list)
{
	int v = 0;
	for (const struct embedded_file *m = list; m->name; m++)
		if (m->version > v)
			v = m->version;
	return v;
}

int store_schema_version(void)
{
	/* Both engines' migration lists must end at the same version (tested). */
	int a = max_version(xf_migrations_sqlite), b = max_version(xf_migrations_postgres);
	return a < b ? a : b;
}

const char *store_migration_text(struct db *db, int version)
{
	for (const struct embedded_file *m = migrations_for(db); m->name; m++)
		if (m->version == version)
			return m->text;
	return NULL;
}

int store_db_version(struct db *db, int64_t *out, struct xf_err *err)
{
	int64_t n = 0;
	int rc = db_table_count(db, "meta", &n, err);
	if (rc != XF_OK)
		return rc;
	if (n == 0) {
		rc = db_table_count(db, NULL, &n, err);
		if (rc != XF_OK)
			return rc;
		if (n > 0)
			return xf_fail(err, XF_EINVAL, "not_xingfu_database",
			               "数据库 %s 不是 xingfu 数据库（已有其他表）", db_target(db));
		*out = 0;
		return XF_OK;
	}
	char v[32];
	rc = store_meta_get(db, "schema_version", v, sizeof v, err);
	if (rc == XF_ENOTFOUND) {
		*out = 0;
		return XF_OK;
	}
	if (rc != XF_OK)
		return rc;
	*out = atoll(v);
	return XF_OK;
}

/* Released migrations that were later edited in place: a database made by the release
 * before the edit is at the same version but lacks what the edit added. Each repair probes
 * for the addition and, when the probe fails, adds it. Fatal ones cannot be repaired. */
struct repair {
	int version; /* databases already at this version or later had the old text */
	const char *probe;
	const char *sqlite_fix, *pg_fix;
	const char *what;
	bool fatal;
};

static const struct repair repairs[] = {
    {1, "SELECT person_id FROM users WHERE 1 = 0", NULL, NULL,
     "数据库来自身份功能之前的开发版本（5fa1a48 之前），不能升级：请用 xingfu init 新建数据库，"
     "再用 xingfu import 导入数据",
     true},
    {2, NULL, "CREATE INDEX IF NOT EXISTS places_kind_path ON places(kind, path)",
     "CREATE INDEX IF NOT EXISTS places_kind_path ON places(kind, path)",
     "确保索引 places_kind_path 存在（992a366 发布的 0002 没有它）", false},
    {4, "SELECT token_id FROM outbox WHERE 1 = 0",
     "ALTER TABLE outbox ADD COLUMN token_id INTEGER REFERENCES api_tokens(id)",
     "ALTER TABLE outbox ADD COLUMN token_id bigint REFERENCES api_tokens(id)",
     "补上 outbox.token_id 列（c5c0bf5 发布的 0004 没有它）", false},
};

/* Does the repair apply to a database that was at version cur before migrating? */
static bool repair_needed(struct db *db, const struct repair *rp, int64_t cur)
{
	if (cur < rp->version)
		return false;
	if (!rp->probe)
		return true; /* idempotent: always run */
	struct xf_err e;
	return db_check_sql(db, rp->probe, &e) != XF_OK;
}

int store_check_version(struct db *db, struct xf_err *err)
{
	int64_t v = 0;
	int rc = store_db_version(db, &v, err);
	if (rc != XF_OK)
		return rc;
	int mine = store_schema_version();
	if (v == 0)
		return xf_fail(err, XF_EINVAL, "db_not_initialised",
		               "数据库 %s 尚未初始化，请先运行 xingfu init", db_target(db));
	if (v > mine)
		return xf_fail(
		    err, XF_EINVAL, "db_too_new",
		    "数据库结构版本 %lld 比本程序支持的版本 %d 新，请升级 xingfu 后再使用",
		    (long long)v, mine);
	if (v < mine)
		return xf_fail(err, XF_EINVAL, "db_needs_migration",
		               "数据库结构版本 %lld 低于本程序的版本 %d，请先运行 xingfu migrate",
		               (long long)v, mine);
	for (size_t i = 0; i < XF_ARRAY_LEN(repairs); i++)
		if (repairs[i].probe && repair_needed(db, &repairs[i], v))
			return repairs[i].fatal
			           ? xf_fail(err, XF_EINVAL, "db_unupgradable", "%s",
			                     repairs[i].what)
			           : xf_fail(err, XF_EINVAL, "db_needs_migration",
			                     "数据库需要修复（%s），请先运行 xingfu migrate",
			                     repairs[i].what);
	return XF_OK;
}

int store_meta_get(struct db *db, const char *key, char *out, size_t outlen, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db, "SELECT value FROM meta WHERE key = ?", err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, key);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		snprintf(out, outlen, "%s", db_col_text(st, 0));
		db_reset(st);
		return XF_OK;
	}
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有设置项 %s", key);
	return rc;
}

int store_meta_set(struct db *db, const char *key, const char *value, struct xf_err *err)
{
	return db_run(db, err,
	              "INSERT INTO meta(key, value) VALUES (?, ?) "
	              "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	              "tt", key, value);
}

int store_migrate_plan(struct db *db, void (*fn)(const char *what, void *ctx), void *ctx,
                       struct xf_err *err)
{
	int64_t cur;
	int rc = store_db_version(db, &cur, err);
	if (rc != XF_OK)
		return rc;
	int mine = store_schema_version();
	if (cur > mine)
		return store_check_version(db, err);
	for (size_t i = 0; i < XF_ARRAY_LEN(repairs); i++)
		if (repairs[i].fatal && repair_needed(db, &repairs[i], cur))
			return xf_fail(err, XF_EINVAL, "db_unupgradable", "%s", repairs[i].what);
	char line[160];
	for (const struct embedded_file *m = migrations_for(db); m->name; m++)
		if (m->version > cur && m->version <= mine) {
			snprintf(line, sizeof line, "应用迁移 %s", m->name);
			fn(line, ctx);
		}
	for (size_t i = 0; i < XF_ARRAY_LEN(repairs); i++)
		if (!repairs[i].fatal && repairs[i].probe && repair_needed(db, &repairs[i], cur))
			fn(repairs[i].what, ctx);
	return XF_OK;
}

static int run_repairs(struct db *db, int64_t cur, struct xf_err *err)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(repairs); i++) {
		const struct repair *rp = &repairs[i];
		if (rp->fatal || !repair_needed(db, rp, cur))
			continue;
		int rc = db_begin(db, true, err);
		if (rc == XF_OK)
			rc = db_exec_script(
			    db, db_engine(db) == DB_POSTGRES ? rp->pg_fix : rp->sqlite_fix, err);
		if (rc == XF_OK)
			rc = db_commit(db, err);
		if (rc != XF_OK) {
			db_rollback(db);
			return rc;
		}
		if (rp->probe)
			log_info("repair: %s", rp->what);
	}
	return XF_OK;
}

int store_migrate(struct db *db, struct xf_err *err)
{
	int64_t cur;
	int rc = store_db_version(db, &cur, err);
	if (rc != XF_OK)
		return rc;
	int mine = store_schema_version();
	if (cur > mine)
		return store_check_version(db, err);
	for (size_t i = 0; i < XF_ARRAY_LEN(repairs); i++)
		if (repairs[i].fatal && repair_needed(db, &repairs[i], cur))
			return xf_fail(err, XF_EINVAL, "db_unupgradable", "%s", repairs[i].what);
	for (const struct embedded_file *m = migrations_for(db); m->name; m++) {
		if (m->version <= cur || m->version > mine)
			continue;
		if ((rc = db_begin(db, true, err)) != XF_OK)
			return rc;
		char v[24];
		snprintf(v, sizeof v, "%d", m->version);
		if ((rc = db_exec_script(db, m->text, err)) != XF_OK ||
		    (rc = store_meta_set(db, "schema_version", v, err)) != XF_OK ||
		    (rc = db_commit(db, err)) != XF_OK) {
			db_rollback(db);
			return rc;
		}
		log_info("migration %s applied", m->name);
	}
	return run_repairs(db, cur, err);
}

/* ---- the store: readers and the writer threads ---- */

const int64_t store_time_bounds_us[STORE_TIME_BUCKETS] = {
    250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000, 5000000};

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static size_t time_bucket(int64_t us)
{
	size_t i = 0;
	while (i < STORE_TIME_BUCKETS && us > store_time_bounds_us[i])
		i++;
	return i;
}

static size_t batch_bucket(size_t n)
{
	size_t i = 0;
	while (i < STORE_BATCH_BUCKETS && n > ((size_t)1 << i))
		i++;
	return i;
}

#define MAX_WRITERS 8
#define PG_WRITERS  4
#define PG_RETRIES  16

struct store {
	char *target;
	enum db_engine engine;
	pthread_key_t reader_key;
	int nwriters;
	size_t max_batch;
	struct db *wdb[MAX_WRITERS];
	pthread_t thread[MAX_WRITERS];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct write_job *head, *tail;
	bool stopping;
	struct writer_stats stats;
};

struct writer_arg {
	struct store *s;
	int index;
};

static void reader_free(void *p)
{
	db_close(p);
}

static __thread bool thread_scans;

void store_thread_scans(void)
{
	thread_scans = true;
}

struct db *store_reader(struct store *s, struct xf_err *err)
{
	struct db *db = pthread_getspecific(s->reader_key);
	if (db)
		return db;
	if (db_open(s->target, DB_OPEN_READER | (thread_scans ? 0 : DB_OPEN_HOT), &db, err) !=
	    XF_OK)
		return NULL;
	pthread_setspecific(s->reader_key, db);
	return db;
}

static void settle(struct write_job *j, int status, const struct xf_err *err)
{
	j->status = status;
	if (status != XF_OK && err)
		j->err = *err;
	if (j->done)
		j->done(j);
}

static bool is_retryable(const struct write_job *j)
{
	return j->status == XF_EBUSY && strcmp(j->err.code, "serialization_failure") == 0;
}

/* Run one batch: every job in its own SAVEPOINT, one COMMIT (one fsync) for all. On
 * PostgreSQL batches hold one job and a serialization failure reruns the transaction. */
static int run_batch_once(struct store *s, struct db *wdb, struct write_job *batch,
                          int64_t *commit_us, struct xf_err *err)
{
	int rc = db_begin(wdb, true, err);
	if (rc != XF_OK)
		return rc;
	for (struct write_job *j = batch; j; j = j->next) {
		xf_err_clear(&j->err);
		j->status = db_savepoint(wdb, &j->err);
		if (j->status == XF_OK)
			j->status = j->fn(wdb, j->arg, &j->err);
		if (!db_in_tx(wdb)) {
			/* The engine rolled back the whole transaction (FULL, IOERR, NOMEM):
			 * nothing in this batch survived. */
			bool storage = j->err.status == XF_EDB || j->err.status == XF_EIO;
			rc = xf_fail(err, XF_EDB,
			             storage && j->err.code[0] ? j->err.code : "write_failed",
			             "写入失败（%s），请重试", j->err.message);
			if (storage) /* a disk fault stays a 503 for every job */
				err->http = j->err.http;
			break;
		}
		if (s->engine == DB_POSTGRES && is_retryable(j)) {
			*err = j->err;
			rc = XF_EBUSY;
			break;
		}
		if (j->status == XF_OK) {
			struct xf_err e2;
			if (db_release(wdb, &e2) != XF_OK)
				j->status = e2.status, j->err = e2;
		} else {
			db_rollback_to(wdb);
		}
	}
	if (rc == XF_OK) {
		int64_t t = mono_us();
		rc = db_commit(wdb, err);
		*commit_us = mono_us() - t;
	}
	if (rc != XF_OK)
		db_rollback(wdb);
	return rc;
}

static void run_batch(struct store *s, struct db *wdb, struct write_job *batch, size_t n)
{
	struct xf_err err;
	xf_err_clear(&err);
	int rc = XF_OK;
	int64_t t0 = 0, commit_us = 0;
	for (int attempt = 0; attempt < PG_RETRIES; attempt++) {
		xf_err_clear(&err);
		t0 = mono_us();
		rc = run_batch_once(s, wdb, batch, &commit_us, &err);
		if (!(rc == XF_EBUSY && strcmp(err.code, "serialization_failure") == 0 &&
		      s->engine == DB_POSTGRES))
			break;
		pthread_mutex_lock(&s->mu);
		s->stats.retries++;
		pthread_mutex_unlock(&s->mu);
		/* 1, 2, 4 … 64 ms, plus up to as much again at random: writers that collided must
		 * not retry in step and collide again. */
		uint32_t base = 1000000u << (attempt < 6 ? attempt : 6);
		struct timespec ts = {0, (long)(base + randombytes_uniform(base))};
		nanosleep(&ts, NULL);
	}
	int64_t tx_us = mono_us() - t0;
	pthread_mutex_lock(&s->mu);
	s->stats.jobs += n;
	if (rc == XF_OK) {
		s->stats.commits++;
		if (n > s->stats.max_batch)
			s->stats.max_batch = n;
		s->stats.batch_hist[batch_bucket(n)]++;
		s->stats.tx_hist[time_bucket(tx_us)]++;
		s->stats.commit_hist[time_bucket(commit_us)]++;
		s->stats.tx_us += (uint64_t)tx_us;
		s->stats.commit_us += (uint64_t)commit_us;
	} else {
		s->stats.failed++;
	}
	pthread_mutex_unlock(&s->mu);
	for (struct write_job *j = batch, *next; j; j = next) {
		next = j->next; /* done() may free j */
		if (rc != XF_OK)
			settle(j, rc, &err);
		else
			settle(j, j->status, &j->err);
	}
}

static void *writer_main(void *arg)
{
	struct writer_arg *wa = arg;
	struct store *s = wa->s;
	struct db *wdb = s->wdb[wa->index];
	free(wa);
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->head && !s->stopping)
			pthread_cond_wait(&s->cv, &s->mu);
		if (!s->head && s->stopping)
			break;
		struct write_job *batch = s->head, *last = batch;
		size_t n = 1;
		while (last->next && n < s->max_batch) {
			last = last->next;
			n++;
		}
		s->head = last->next;
		if (!s->head)
			s->tail = NULL;
		s->stats.queued -= n;
		last->next = NULL;
		pthread_mutex_unlock(&s->mu);
		run_batch(s, wdb, batch, n);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int store_open(const char *target, struct store **out, struct xf_err *err)
{
	*out = NULL;
	struct store *s = xcalloc(1, sizeof *s);
	s->target = xstrdup(target);
	s->engine = db_is_postgres_url(target) ? DB_POSTGRES : DB_SQLITE;
	s->nwriters = s->engine == DB_POSTGRES ? PG_WRITERS : 1;
	s->max_batch = s->engine == DB_POSTGRES ? 1 : STORE_MAX_BATCH;
	pthread_key_create(&s->reader_key, reader_free);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	int rc = XF_OK;
	for (int i = 0; i < s->nwriters && rc == XF_OK; i++)
		rc = db_open(target, DB_OPEN_WRITER, &s->wdb[i], err);
	if (rc == XF_OK)
		rc = store_check_version(s->wdb[0], err);
	for (int i = 0; i < s->nwriters && rc == XF_OK; i++) {
		struct writer_arg *wa = xmalloc(sizeof *wa);
		*wa = (struct writer_arg){s, i};
		if (pthread_create(&s->thread[i], NULL, writer_main, wa) != 0) {
			free(wa);
			rc = xf_fail(err, XF_EINTERNAL, "thread_failed", "无法启动写入线程");
		}
	}
	if (rc != XF_OK) {
		store_close(s);
		return rc;
	}
	*out = s;
	return XF_OK;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	for (int i = 0; i < s->nwriters; i++) {
		if (s->thread[i])
			pthread_join(s->thread[i], NULL);
		db_close(s->wdb[i]);
	}
	struct db *mine = pthread_getspecific(s->reader_key);
	if (mine) {
		db_close(mine);
		pthread_setspecific(s->reader_key, NULL);
	}
	pthread_key_delete(s->reader_key);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s->target);
	free(s);
}

const char *store_target(const struct store *s)
{
	return s->target;
}

enum db_engine store_engine(const struct store *s)
{
	return s->engine;
}

void store_submit(struct store *s, struct write_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&s->mu);
	if (s->stopping) {
		pthread_mutex_unlock(&s->mu);
		struct xf_err e;
		xf_fail(&e, XF_EBUSY, "shutting_down", "服务正在停止，请稍后重试");
		settle(job, XF_EBUSY, &e);
		return;
	}
	if (s->tail)
		s->tail->next = job;
	else
		s->head = job;
	s->tail = job;
	s->stats.queued++;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}
struct sync_wait {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done;
};

static void sync_done(struct write_job *j)
{
	struct sync_wait *w = j->done_ctx;
	pthread_mutex_lock(&w->mu);
	w->done = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

int store_write(struct store *s, int (*fn)(struct db *, void *, struct xf_err *), void *arg,
                struct xf_err *err)
{
	struct sync_wait w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false};
	struct write_job job = {.fn = fn, .arg = arg, .done = sync_done, .done_ctx = &w};
	store_submit(s, &job);
	pthread_mutex_lock(&w.mu);
	while (!w.done)
		pthread_cond_wait(&w.cv, &w.mu);
	pthread_mutex_unlock(&w.mu);
	if (job.status != XF_OK && err)
		*err = job.err;
	return job.status;
}

struct writer_stats store_stats(struct store *s)
{
	pthread_mutex_lock(&s->mu);
	struct writer_stats st = s->stats;
	pthread_mutex_unlock(&s->mu);
	return st;
}
