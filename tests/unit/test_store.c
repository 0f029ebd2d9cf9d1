/* store/: migrations, version checks, statements, the group-commit writer, backup. */
#include "../support/testlib.h"
#include "core/crypto.h"
#include "core/str.h"
#include "registry/demo.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fx {
	char dir[64];
	char db[128];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	ts_tmpdir(f->dir, sizeof f->dir);
	snprintf(f->db, sizeof f->db, "%s/t.db", f->dir);
	struct db *db;
	struct xf_err e;
	assert_int_equal(db_open(f->db, DB_OPEN_CREATE | DB_OPEN_WRITER, &db, &e), XF_OK);
	assert_int_equal(store_migrate(db, &e), XF_OK);
	db_close(db);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	ts_rmdir(f->dir);
	free(f);
	return 0;
}

static void test_migrations_create_schema_and_are_idempotent(void **state)
{
	struct xf_err e;
	struct db *db;
	assert_int_equal(db_open(NULL, DB_OPEN_MEMORY, &db, &e), XF_OK);
	int64_t v;
	assert_int_equal(store_db_version(db, &v, &e), XF_OK);
	assert_int_equal(v, 0);
	assert_int_equal(store_check_version(db, &e), XF_EINVAL);
	assert_string_equal(e.code, "db_not_initialised");
	assert_int_equal(store_migrate(db, &e), XF_OK);
	assert_int_equal(store_migrate(db, &e), XF_OK);
	assert_int_equal(store_db_version(db, &v, &e), XF_OK);
	assert_int_equal(v, store_schema_version());
	assert_int_equal(store_check_version(db, &e), XF_OK);
	int64_t n;
	assert_int_equal(db_int(db, &e, &n, "SELECT count(*) FROM users", ""), XF_OK);
	assert_int_equal(n, 0);
	db_close(db);
}

static void test_database_newer_than_binary_is_refused(void **state)
{
	struct xf_err e;
	struct db *db;
	assert_int_equal(db_open(NULL, DB_OPEN_MEMORY, &db, &e), XF_OK);
	assert_int_equal(store_migrate(db, &e), XF_OK);
	assert_int_equal(store_meta_set(db, "schema_version", "999", &e), XF_OK);
	assert_int_equal(store_check_version(db, &e), XF_EINVAL);
	assert_string_equal(e.code, "db_too_new");
	assert_non_null(strstr(e.message, "升级"));
	assert_int_equal(store_migrate(db, &e), XF_EINVAL);
	db_close(db);
}

static void test_a_file_that_is_not_a_database_is_refused(void **state)
{
	struct fx *f = *state;
	char path[160];
	snprintf(path, sizeof path, "%s/notes.txt", f->dir);
	FILE *fp = fopen(path, "w");
	for (int i = 0; i < 200; i++)
		fputs("这不是数据库。this is not a database\n", fp);
	fclose(fp);
	struct xf_err e;
	struct db *db = (struct db *)1;
	assert_int_not_equal(db_open(path, DB_OPEN_WRITER, &db, &e), XF_OK);
	assert_null(db);
	assert_string_equal(e.code, "not_a_database");
	/* A SQLite database of someone else's is not ours either. */
	snprintf(path, sizeof path, "%s/other.db", f->dir);
	assert_int_equal(db_open(path, DB_OPEN_CREATE | DB_OPEN_WRITER, &db, &e), XF_OK);
	assert_int_equal(db_exec_script(db, "CREATE TABLE x(a)", &e), XF_OK);
	int64_t v;
	assert_int_equal(store_db_version(db, &v, &e), XF_EINVAL);
	assert_string_equal(e.code, "not_xingfu_database");
	db_close(db);
}

static void test_statement_cache_reuses_prepared_statements(void **state)
{
	struct xf_err e;
	struct db *db;
	assert_int_equal(db_open(NULL, DB_OPEN_MEMORY, &db, &e), XF_OK);
	/* The same call site twice: one cached statement. */
	struct db_stmt *a = NULL, *b = NULL;
	for (int i = 0; i < 2; i++) {
		struct db_stmt *s = db_prep(db, "SELECT ? + 1", &e);
		if (i == 0)
			a = s;
		else
			b = s;
	}
	assert_ptr_equal(a, b);
	db_bind_int(a, 1, 41);
	assert_int_equal(db_step(a, &e), DB_ROW);
	assert_int_equal(db_col_int(a, 0), 42);
	/* Reuse after an unfinished step starts clean. */
	for (int i = 0; i < 2; i++)
		b = db_prep(db, "SELECT ? + 1", &e);
	assert_int_equal(db_step(b, &e), DB_ROW);
	assert_true(db_col_null(b, 0));
	assert_int_not_equal(db_check_sql(db, "SELEKT nonsense", &e), XF_OK);
	assert_string_equal(e.code, "db_error");
	db_close(db);
}

static int insert_place_job(struct db *db, void *arg, struct xf_err *err)
{
	int64_t n = *(int64_t *)arg;
	char code[32], path[32];
	snprintf(code, sizeof code, "T%lld", (long long)n);
	snprintf(path, sizeof path, "/t/%lld/", (long long)n);
	return db_run(db, err,
	              "INSERT INTO places(kind, code, name, path, created_at) VALUES"
	              " ('grid', ?, ?, ?, 0)",
	              "ttt", code, code, path);
}

static int failing_job(struct db *db, void *arg, struct xf_err *err)
{
	int rc = insert_place_job(db, arg, err);
	if (rc != XF_OK)
		return rc;
	return xf_fail(err, XF_ECONFLICT, "rule_broken", "故意失败");
}

struct async {
	struct write_job job;
	int64_t n;
	pthread_mutex_t *mu;
	pthread_cond_t *cv;
	int *left;
};

static void async_done(struct write_job *j)
{
	struct async *a = j->done_ctx;
	pthread_mutex_lock(a->mu);
	(*a->left)--;
	pthread_cond_signal(a->cv);
	pthread_mutex_unlock(a->mu);
}

static void test_writer_commits_many_jobs_in_few_batches(void **state)
{
	struct fx *f = *state;
	struct xf_err e;
	struct store *s;
	assert_int_equal(store_open(f->db, &s, &e), XF_OK);
	enum { N = 300 };
	static struct async jobs[N];
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
	int left = N;
	for (int i = 0; i < N; i++) {
		jobs[i] = (struct async){.n = i, .mu = &mu, .cv = &cv, .left = &left};
		jobs[i].job = (struct write_job){.fn = i == 7 ? failing_job : insert_place_job,
		                                 .arg = &jobs[i].n,
		                                 .done = async_done,
		                                 .done_ctx = &jobs[i]};
		store_submit(s, &jobs[i].job);
	}
	pthread_mutex_lock(&mu);
	while (left > 0)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	struct writer_stats st = store_stats(s);
	assert_int_equal(st.jobs, N);
	assert_true(st.commits < N);
	assert_true(st.max_batch > 1);
	assert_true(st.max_batch <= STORE_MAX_BATCH);
	/* The failing job rolled back alone; its neighbours committed. */
	assert_int_equal(jobs[7].job.status, XF_ECONFLICT);
	assert_string_equal(jobs[7].job.err.code, "rule_broken");
	assert_int_equal(jobs[6].job.status, XF_OK);
	assert_int_equal(jobs[8].job.status, XF_OK);
	struct db *r = store_reader(s, &e);
	int64_t n;
	assert_int_equal(db_int(r, &e, &n, "SELECT count(*) FROM places WHERE code LIKE 'T%'", ""),
	                 XF_OK);
	assert_int_equal(n, N - 1);
	assert_int_equal(db_int(r, &e, &n, "SELECT count(*) FROM places WHERE code = 'T7'", ""),
	                 XF_OK);
	assert_int_equal(n, 0);
	store_close(s);
}

static void test_sync_write_reports_constraint_errors_and_readers_see_commits(void **state)
{
	struct fx *f = *state;
	struct xf_err e;
	struct store *s;
	assert_int_equal(store_open(f->db, &s, &e), XF_OK);
	int64_t n = 1;
	assert_int_equal(store_write(s, insert_place_job, &n, &e), XF_OK);
	assert_int_equal(store_write(s, insert_place_job, &n, &e), XF_ECONFLICT);
	assert_string_equal(e.code, "constraint");
	/* A separate connection (as a CLI command would open) sees the commit at once. */
	struct db *other;
	assert_int_equal(db_open(f->db, DB_OPEN_READER, &other, &e), XF_OK);
	int64_t c;
	assert_int_equal(db_int(other, &e, &c, "SELECT count(*) FROM places WHERE code = 'T1'", ""),
	                 XF_OK);
	assert_int_equal(c, 1);
	db_close(other);
	store_close(s);
}

/* A search's statement keeps its compiled plan when its LIKE pattern is bound anew (SQLite
 * would otherwise parse and plan it again on every search). */
static void test_a_search_is_not_compiled_again_for_each_pattern(void **state)
{
	struct fx *f = *state;
	struct xf_err e;
	struct db *db;
	assert_int_equal(db_open(f->db, DB_OPEN_WRITER, &db, &e), XF_OK);
	for (int64_t n = 1; n <= 30; n++)
		assert_int_equal(insert_place_job(db, &n, &e), XF_OK);
	const char *pattern[] = {"%T1%", "%T2_%", "T3%", "%T1%"};
	struct db_stmt *st = NULL;
	int64_t got[4];
	for (int i = 0; i < 4; i++) {
		st = db_prep(db, "SELECT count(*) FROM places WHERE code LIKE ? ESCAPE '\\'", &e);
		assert_non_null(st);
		db_bind_text(st, 1, pattern[i]);
		assert_int_equal(db_step(st, &e), DB_ROW);
		got[i] = db_col_int(st, 0);
		db_reset(st);
	}
	/* T1, T10…T19 | T20…T29 | T3, T30 | again T1, T10…T19 */
	assert_int_equal(got[0], 11);
	assert_int_equal(got[1], 10);
	assert_int_equal(got[2], 2);
	assert_int_equal(got[3], 11);
	assert_int_equal(db_stmt_recompiles(st), 0);
	db_close(db);
}

static int open_fds(void)
{
	int n = 0;
	char path[64];
	for (int fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		n += access(path, F_OK) == 0;
	}
	return n;
}

/* A write job's savepoint journal (every page the job changes, as it was) stays in memory up
 * to 128 KiB: past SQLite's 64 KiB it would move to a temporary file, written page by page. A
 * larger journal still spills to a file and works: SQLite 3.40 answered "database or disk is
 * full" for any savepoint that spilled with a limit of 256 KiB or more (a migration of the
 * city's people failed that way), so the test spills several, of every size, in one
 * transaction as the writer's batches do, rolls some back, and checks every row. */
static void test_a_savepoints_journal_stays_in_memory_and_spills_safely(void **state)
{
	struct fx *f = *state;
	struct xf_err e;
	struct db *db;
	assert_int_equal(db_open(f->db, DB_OPEN_WRITER, &db, &e), XF_OK);
	assert_int_equal(db_exec_script(db,
	                                "CREATE TABLE big(id INTEGER PRIMARY KEY, v TEXT);"
	                                " CREATE INDEX big_v ON big(v);"
	                                " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
	                                " FROM n WHERE i < 20000) INSERT INTO big"
	                                " SELECT i, printf('%0200d', i) FROM n",
	                                &e),
	                 XF_OK);
	int before = open_fds();
	assert_int_equal(db_begin(db, true, &e), XF_OK);
	assert_int_equal(db_savepoint(db, &e), XF_OK);
	/* ~24 pages of table and index (~98 KB of journal) changed: in memory, no file. */
	assert_int_equal(db_run(db, &e, "UPDATE big SET v = v || 'a' WHERE id <= 200", ""), XF_OK);
	assert_int_equal(open_fds(), before);
	assert_int_equal(db_release(db, &e), XF_OK);
	/* Jobs of every size after it, each released or rolled back; the large ones spill. */
	static const int rows[] = {10, 3000, 20000, 700, 12000, 50};
	for (int i = 0; i < 6; i++) {
		assert_int_equal(db_savepoint(db, &e), XF_OK);
		if (db_run(db, &e, "UPDATE big SET v = v || 'b' WHERE id <= ?", "i",
		           (int64_t)rows[i]) != XF_OK)
			fail_msg("a savepoint changing %d rows: %s (%s)", rows[i], e.message,
			         e.code);
		if (i % 2)
			db_rollback_to(db);
		else
			assert_int_equal(db_release(db, &e), XF_OK);
	}
	assert_int_equal(db_commit(db, &e), XF_OK);
	/* Kept: the first change and the released jobs (10, 20000, 12000 rows: every row got one
	 * 'b', the first 12,000 two, the first 10 three); rolled back: none of theirs. */
	int64_t n = -1;
	assert_int_equal(
	    db_int(db, &e, &n,
	           "SELECT count(*) FROM big WHERE v <> printf('%0200d', id) ||"
	           " (CASE WHEN id <= 200 THEN 'a' ELSE '' END) ||"
	           " (CASE WHEN id <= 10 THEN 'bbb' WHEN id <= 12000 THEN 'bb' ELSE 'b' END)",
	           ""),
	    XF_OK);
	assert_int_equal(n, 0);
	db_close(db);
}

static int64_t reader_cache_size(struct store *s)
{
	struct xf_err e;
	int64_t v = 0;
	assert_int_equal(db_int(store_reader(s, &e), &e, &v, "PRAGMA cache_size", ""), XF_OK);
	return v;
}

struct scan_arg {
	struct store *s;
	int64_t cache_size;
};

static void *scanning_thread(void *arg)
{
	struct scan_arg *a = arg;
	store_thread_scans();
	a->cache_size = reader_cache_size(a->s);
	return NULL;
}

/* A thread answering requests gets a reader with 8 MiB of page cache; a thread that scans
 * (the scheduler, the slow-work threads) keeps SQLite's default. */
static void test_readers_cache_by_what_their_thread_does(void **state)
{
	struct fx *f = *state;
	struct xf_err e;
	struct store *s;
	assert_int_equal(store_open(f->db, &s, &e), XF_OK);
	assert_int_equal(reader_cache_size(s), -8192);
	struct scan_arg a = {s, 0};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, scanning_thread, &a), 0);
	pthread_join(t, NULL);
	assert_int_equal(a.cache_size, -2000);
	store_close(s);
}

static void test_store_open_refuses_uninitialised_or_newer_databases(void **state)
{
	struct fx *f = *state;
	struct xf_err e;
	struct store *s;
	char path[160];
	snprintf(path, sizeof path, "%s/empty.db", f->dir);
	struct db *db;
	assert_int_equal(db_open(path, DB_OPEN_CREATE | DB_OPEN_WRITER, &db, &e), XF_OK);
	db_close(db);
	assert_int_equal(store_open(path, &s, &e), XF_EINVAL);
	assert_string_equal(e.code, "db_not_initialised");
	assert_int_equal(db_open(f->db, DB_OPEN_WRITER, &db, &e), XF_OK);
	assert_int_equal(store_meta_set(db, "schema_version", "99", &e), XF_OK);
	db_close(db);
	assert_int_equal(store_open(f->db, &s, &e), XF_EINVAL);
	assert_string_equal(e.code, "db_too_new");
}

static void test_backup_is_a_consistent_usable_copy(void **state)
{
	struct fx *f = *state;
	struct xf_err e;
	struct db *db;
	struct demo_stats ds = {0};
	ts_key_init();
	assert_int_equal(db_open(f->db, DB_OPEN_WRITER, &db, &e), XF_OK);
	assert_int_equal(demo_generate(db, DEMO_SMALL, "password1", &ds, &e), XF_OK);
	char dest[160];
	snprintf(dest, sizeof dest, "%s/copy.db", f->dir);
	assert_int_equal(db_backup(db, dest, &e), XF_OK);
	db_close(db);
	struct db *copy;
	assert_int_equal(db_open(dest, DB_OPEN_READER, &copy, &e), XF_OK);
	assert_int_equal(store_check_version(copy, &e), XF_OK);
	int64_t n;
	assert_int_equal(db_int(copy, &e, &n, "SELECT count(*) FROM places", ""), XF_OK);
	assert_int_equal(n, ds.places);
	assert_int_equal(db_int(copy, &e, &n, "SELECT count(*) FROM users", ""), XF_OK);
	assert_int_equal(n, 14);
	db_close(copy);
}

static void test_demo_city_has_the_real_tree(void **state)
{
	struct xf_err e;
	struct db *db;
	struct demo_stats ds = {0};
	ts_key_init();
	assert_int_equal(db_open(NULL, DB_OPEN_MEMORY, &db, &e), XF_OK);
	assert_int_equal(store_migrate(db, &e), XF_OK);
	assert_int_equal(demo_generate(db, DEMO_SMALL, "password1", &ds, &e), XF_OK);
	assert_int_equal(ds.districts, 4);
	assert_int_equal(ds.streets, 18);
	assert_int_equal(ds.communities, 135);
	assert_int_equal(ds.accounts, 14);
	/* 大智路社区 sits under 澄月街道, 西塞山区, 黄石市; its path says so. */
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT c.name, s.name, d.name, c.path, s.path FROM places c"
	            " JOIN places s ON s.id = c.parent_id JOIN places d ON d.id = s.parent_id"
	            " WHERE c.code = '420203009002'",
	            &e);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "大智路社区");
	assert_string_equal(db_col_text(st, 1), "澄月街道");
	assert_string_equal(db_col_text(st, 2), "西塞山区");
	assert_true(str_has_prefix(db_col_text(st, 3), db_col_text(st, 4)));
	db_reset(st);
	int64_t n;
	assert_int_equal(db_int(db, &e, &n,
	                        "SELECT count(*) FROM places p JOIN places c ON c.parent_id = p.id"
	                        " WHERE p.code = '420203009002' AND c.kind = 'grid'",
	                        ""),
	                 XF_OK);
	assert_int_equal(n, 3);
	assert_int_equal(db_int(db, &e, &n,
	                        "SELECT count(*) FROM users u JOIN grants g ON g.user_id = u.id"
	                        " JOIN places p ON p.id = g.place_id WHERE u.username = 'wangge'"
	                        " AND p.kind = 'grid' AND g.role = 'grid_worker'",
	                        ""),
	                 XF_OK);
	assert_int_equal(n, 1);
	char v[8];
	assert_int_equal(store_meta_get(db, "demo", v, sizeof v, &e), XF_OK);
	assert_string_equal(v, "1");
	/* A second generation on the same database fails (codes are unique) and changes nothing. */
	assert_int_not_equal(demo_generate(db, DEMO_SMALL, "password1", &ds, &e), XF_OK);
	assert_int_equal(db_int(db, &e, &n, "SELECT count(*) FROM users", ""), XF_OK);
	assert_int_equal(n, 14);
	db_close(db);
}

/* place_name() on SQLite: a reader reuses the names it has read only while nothing was
 * written, by this process or any other connection; a transaction keeps its snapshot. */
static const char *names_of(struct db *db, int64_t id, bool bare, char *out, size_t n)
{
	struct xf_err e;
	/* As the people search calls it: in a statement that reads a table. */
	struct db_stmt *st =
	    bare ? db_prep(db, "SELECT place_name(?)", &e)
	         : db_prep(db, "SELECT place_name(?) FROM meta WHERE key = 'schema_version'", &e);
	assert_non_null(st);
	db_bind_int(st, 1, id);
	assert_int_equal(db_step(st, &e), DB_ROW);
	snprintf(out, n, "%s", db_col_null(st, 0) ? "(null)" : db_col_text(st, 0));
	db_reset(st);
	return out;
}

static const char *name_of(struct db *db, int64_t id, char *out, size_t n)
{
	return names_of(db, id, false, out, n);
}

static void test_place_names_are_reused_only_while_nothing_changes(void **state)
{
	struct fx *f = *state;
	struct db *w, *r, *other;
	struct xf_err e;
	char got[200];
	assert_int_equal(db_open(f->db, DB_OPEN_WRITER, &w, &e), XF_OK);
	assert_int_equal(db_open(f->db, DB_OPEN_READER | DB_OPEN_HOT, &r, &e), XF_OK);
	assert_int_equal(db_open(f->db, DB_OPEN_WRITER, &other, &e), XF_OK);
	assert_int_equal(db_run(w, &e,
	                        "INSERT INTO places(id, kind, code, name, path, created_at) VALUES"
	                        " (7, 'city', 'N-7', '旧名', '/7/', 0),"
	                        " (7 + 16384, 'district', 'N-2', '同组', '/7/2/', 0),"
	                        " (6 + 32768, 'district', 'N-3', '第三个', '/7/3/', 0)",
	                        ""),
	                 XF_OK);
	/* Three names in one set of two: each read right, however they take turns. */
	static const int64_t ids[] = {7, 7 + 16384, 7, 6 + 32768, 7 + 16384, 6 + 32768, 7, 7};
	static const char *const want[] = {"旧名", "同组",   "旧名", "第三个",
	                                   "同组", "第三个", "旧名", "旧名"};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		assert_string_equal(name_of(r, ids[i], got, sizeof got), want[i]);
	assert_string_equal(name_of(r, 99, got, sizeof got), "(null)");
	/* Renamed by the writer: the reader's next statement sees the new name. */
	assert_int_equal(db_run(w, &e, "UPDATE places SET name = '新名' WHERE id = 7", ""), XF_OK);
	assert_string_equal(names_of(r, 7, true, got, sizeof got), "新名"); /* no transaction */
	assert_string_equal(name_of(r, 7, got, sizeof got), "新名");
	/* A write to anything else also ends the reuse; the name is read again, unchanged. */
	assert_int_equal(db_run(other, &e, "INSERT INTO meta(key, value) VALUES ('t', 'x')", ""),
	                 XF_OK);
	assert_string_equal(name_of(r, 7, got, sizeof got), "新名");
	/* Inside a read transaction the reader keeps its snapshot's name; after it, the new. */
	assert_int_equal(db_begin(r, false, &e), XF_OK);
	assert_string_equal(name_of(r, 7, got, sizeof got), "新名");
	assert_int_equal(db_run(other, &e, "UPDATE places SET name = '第三' WHERE id = 7", ""),
	                 XF_OK);
	assert_string_equal(name_of(r, 7, got, sizeof got), "新名");
	assert_int_equal(db_commit(r, &e), XF_OK);
	assert_string_equal(name_of(r, 7, got, sizeof got), "第三");
	/* The next transaction asks for its own snapshot's version (a transaction keeps the
	 * version it first read until COMMIT or ROLLBACK, never into the next one). */
	assert_int_equal(db_begin(r, false, &e), XF_OK);
	assert_string_equal(name_of(r, 7, got, sizeof got), "第三");
	assert_int_equal(db_run(other, &e, "UPDATE places SET name = '第四' WHERE id = 7", ""),
	                 XF_OK);
	assert_string_equal(name_of(r, 7, got, sizeof got), "第三");
	assert_int_equal(db_commit(r, &e), XF_OK);
	assert_int_equal(db_begin(r, false, &e), XF_OK);
	assert_string_equal(name_of(r, 7, got, sizeof got), "第四");
	assert_string_equal(name_of(r, 7, got, sizeof got), "第四");
	db_rollback(r);
	assert_int_equal(db_run(other, &e, "UPDATE places SET name = '第三' WHERE id = 7", ""),
	                 XF_OK);
	assert_int_equal(db_begin(r, false, &e), XF_OK);
	assert_string_equal(name_of(r, 7, got, sizeof got), "第三");
	assert_int_equal(db_commit(r, &e), XF_OK);
	/* A name longer than a slot holds is read every time, whole. */
	char longname[301] = "";
	for (int i = 0; i < 50; i++)
		strcat(longname, "长");
	assert_int_equal(
	    db_run(other, &e, "UPDATE places SET name = ? WHERE id = 7", "t", longname), XF_OK);
	assert_string_equal(name_of(r, 7, got, sizeof got), longname);
	assert_string_equal(name_of(r, 7, got, sizeof got), longname);
	/* The writer never reuses: its own uncommitted rename shows at once. */
	assert_int_equal(db_begin(w, true, &e), XF_OK);
	assert_string_equal(name_of(w, 7, got, sizeof got), longname);
	assert_int_equal(db_run(w, &e, "UPDATE places SET name = '未提交' WHERE id = 7", ""),
	                 XF_OK);
	assert_string_equal(name_of(w, 7, got, sizeof got), "未提交");
	db_rollback(w);
	assert_string_equal(name_of(r, 7, got, sizeof got), longname);
	db_close(other);
	db_close(r);
	db_close(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_migrations_create_schema_and_are_idempotent),
	    cmocka_unit_test(test_database_newer_than_binary_is_refused),
	    cmocka_unit_test_setup_teardown(test_a_file_that_is_not_a_database_is_refused, setup,
	                                    teardown),
	    cmocka_unit_test(test_statement_cache_reuses_prepared_statements),
	    cmocka_unit_test_setup_teardown(test_writer_commits_many_jobs_in_few_batches, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        test_sync_write_reports_constraint_errors_and_readers_see_commits, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_store_open_refuses_uninitialised_or_newer_databases, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_backup_is_a_consistent_usable_copy, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_a_search_is_not_compiled_again_for_each_pattern,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_a_savepoints_journal_stays_in_memory_and_spills_safely, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_readers_cache_by_what_their_thread_does, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_place_names_are_reused_only_while_nothing_changes,
	                                    setup, teardown),
	    cmocka_unit_test(test_demo_city_has_the_real_tree),
	};
	return TS_RUN(tests, NULL, NULL);
}
