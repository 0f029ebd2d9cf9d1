/* The SQLite and PostgreSQL schemas agree (tables, columns, types by meaning, nullability,
 * defaults, keys, indexes, foreign keys, checks), and every SQL statement the library
 * registers (DB_SQL) prepares on both engines. */
#include "../support/testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct facts {
	char **items;
	size_t n, cap;
};

static void add(struct facts *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct facts *f, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->items = xrealloc(f->items, f->cap * sizeof *f->items);
	}
	f->items[f->n++] = xstrdup(line);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void facts_free(struct facts *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->items[i]);
	free(f->items);
}

static const char *type_class(const char *t)
{
	if (strcasestr(t, "int"))
		return "int";
	if (strcasestr(t, "text") || strcasestr(t, "char"))
		return "text";
	if (strcasestr(t, "blob") || strcasestr(t, "bytea"))
		return "blob";
	if (strcasestr(t, "real") || strcasestr(t, "double") || strcasestr(t, "numeric"))
		return "real";
	return t;
}

/* Tables are listed first; the per-table queries take the name as a parameter. */
static void sqlite_facts(struct db *db, struct facts *f)
{
	struct xf_err e;
	char tables[64][64];
	int nt = 0;
	struct db_stmt *st = db_prep(db,
	                             "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
	                             " AND name NOT LIKE 'sqlite_%' ORDER BY name",
	                             &e);
	assert_non_null(st);
	while (db_step(st, &e) == DB_ROW && nt < 64) {
		snprintf(tables[nt], 64, "%s", db_col_text(st, 0));
		const char *sql = db_col_text(st, 1);
		int checks = 0;
		for (const char *p = sql; (p = strcasestr(p, "CHECK")); p += 5)
			checks++;
		add(f, "table %s checks=%d", tables[nt], checks);
		nt++;
	}
	for (int i = 0; i < nt; i++) {
		const char *t = tables[i];
		char pk[256] = "";
		st = db_prep(db,
		             "SELECT name, type, \"notnull\", dflt_value IS NOT NULL, pk"
		             " FROM pragma_table_info(?) ORDER BY cid",
		             &e);
		db_bind_text(st, 1, t);
		while (db_step(st, &e) == DB_ROW) {
			int is_pk = db_col_int(st, 4) > 0;
			add(f, "column %s.%s %s notnull=%d default=%d", t, db_col_text(st, 0),
			    type_class(db_col_text(st, 1)), is_pk || db_col_int(st, 2),
			    (int)db_col_int(st, 3));
		}
		/* Primary key columns in key order. */
		st = db_prep(db, "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk",
		             &e);
		db_bind_text(st, 1, t);
		while (db_step(st, &e) == DB_ROW)
			snprintf(pk + strlen(pk), sizeof pk - strlen(pk), "%s%s", pk[0] ? "," : "",
			         db_col_text(st, 0));
		add(f, "pk %s (%s)", t, pk);
		st = db_prep(db, "SELECT name, \"unique\", origin FROM pragma_index_list(?)", &e);
		db_bind_text(st, 1, t);
		char idx[16][64], origin[16][4];
		int uniq[16], ni = 0;
		while (db_step(st, &e) == DB_ROW && ni < 16) {
			snprintf(idx[ni], 64, "%s", db_col_text(st, 0));
			uniq[ni] = (int)db_col_int(st, 1);
			snprintf(origin[ni], 4, "%s", db_col_text(st, 2));
			ni++;
		}
		for (int k = 0; k < ni; k++) {
			if (strcmp(origin[k], "pk") == 0)
				continue;
			char cols[256] = "";
			st =
			    db_prep(db, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", &e);
			db_bind_text(st, 1, idx[k]);
			while (db_step(st, &e) == DB_ROW)
				snprintf(cols + strlen(cols), sizeof cols - strlen(cols), "%s%s",
				         cols[0] ? "," : "", db_col_text(st, 0));
			if (uniq[k])
				add(f, "unique %s (%s)", t, cols);
			else
				add(f, "index %s %s (%s)", t, idx[k], cols);
		}
		st = db_prep(
		    db, "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?)", &e);
		db_bind_text(st, 1, t);
		while (db_step(st, &e) == DB_ROW)
			add(f, "fk %s.%s -> %s.%s", t, db_col_text(st, 0), db_col_text(st, 1),
			    db_col_text(st, 2));
	}
}

static void pg_facts(struct db *db, struct facts *f)
{
	struct xf_err e;
	char tables[64][64];
	int nt = 0;
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT t.table_name, (SELECT count(*) FROM pg_constraint c JOIN pg_class r"
	    " ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace"
	    " WHERE c.contype = 'c' AND r.relname = t.table_name AND n.nspname = current_schema())"
	    " FROM information_schema.tables t WHERE t.table_schema = current_schema()"
	    " AND t.table_type = 'BASE TABLE' ORDER BY t.table_name",
	    &e);
	if (!st)
		fail_msg("%s", e.message);
	while (db_step(st, &e) == DB_ROW && nt < 64) {
		snprintf(tables[nt], 64, "%s", db_col_text(st, 0));
		add(f, "table %s checks=%d", tables[nt], (int)db_col_int(st, 1));
		nt++;
	}
	for (int i = 0; i < nt; i++) {
		const char *t = tables[i];
		st =
		    db_prep(db,
		            "SELECT column_name, data_type, is_nullable = 'NO',"
		            " column_default IS NOT NULL AND is_identity = 'NO'"
		            " FROM information_schema.columns WHERE table_schema = current_schema()"
		            " AND table_name = ? ORDER BY ordinal_position",
		            &e);
		db_bind_text(st, 1, t);
		while (db_step(st, &e) == DB_ROW)
			add(f, "column %s.%s %s notnull=%d default=%d", t, db_col_text(st, 0),
			    type_class(db_col_text(st, 1)), (int)db_col_int(st, 2),
			    (int)db_col_int(st, 3));
		st = db_prep(
		    db,
		    "SELECT i.relname, ix.indisunique, ix.indisprimary,"
		    " string_agg(a.attname, ',' ORDER BY k.ord)"
		    " FROM pg_index ix JOIN pg_class r ON r.oid = ix.indrelid"
		    " JOIN pg_class i ON i.oid = ix.indexrelid"
		    " JOIN pg_namespace n ON n.oid = r.relnamespace"
		    " CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)"
		    " JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = k.attnum"
		    " WHERE n.nspname = current_schema() AND r.relname = ?"
		    " GROUP BY i.relname, ix.indisunique, ix.indisprimary",
		    &e);
		if (!st)
			fail_msg("%s", e.message);
		db_bind_text(st, 1, t);
		bool has_pk = false;
		while (db_step(st, &e) == DB_ROW) {
			const char *cols = db_col_text(st, 3);
			if (db_col_int(st, 2)) {
				add(f, "pk %s (%s)", t, cols);
				has_pk = true;
			} else if (db_col_int(st, 1)) {
				add(f, "unique %s (%s)", t, cols);
			} else {
				add(f, "index %s %s (%s)", t, db_col_text(st, 0), cols);
			}
		}
		if (!has_pk)
			add(f, "pk %s ()", t);
		st = db_prep(
		    db,
		    "SELECT a.attname, rf.relname, af.attname FROM pg_constraint c"
		    " JOIN pg_class r ON r.oid = c.conrelid"
		    " JOIN pg_namespace n ON n.oid = r.relnamespace"
		    " JOIN pg_class rf ON rf.oid = c.confrelid"
		    " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
		    " JOIN pg_attribute af ON af.attrelid = c.confrelid"
		    " AND af.attnum = c.confkey[1]"
		    " WHERE c.contype = 'f' AND r.relname = ? AND n.nspname = current_schema()",
		    &e);
		db_bind_text(st, 1, t);
		while (db_step(st, &e) == DB_ROW)
			add(f, "fk %s.%s -> %s.%s", t, db_col_text(st, 0), db_col_text(st, 1),
			    db_col_text(st, 2));
	}
}

struct engines {
	struct db *sq, *pg;
	char dir[64], url[512];
};

static int setup(void **state)
{
	struct engines *g = calloc(1, sizeof *g);
	struct xf_err e;
	ts_tmpdir(g->dir, sizeof g->dir);
	ts_new_db(g->dir, g->url, sizeof g->url);
	assert_int_equal(db_open(NULL, DB_OPEN_MEMORY, &g->sq, &e), XF_OK);
	assert_int_equal(store_migrate(g->sq, &e), XF_OK);
	if (db_open(g->url, DB_OPEN_WRITER, &g->pg, &e) != XF_OK)
		fail_msg("%s", e.message);
	if (store_migrate(g->pg, &e) != XF_OK)
		fail_msg("PostgreSQL migration failed: %s", e.message);
	*state = g;
	return 0;
}

static int teardown(void **state)
{
	struct engines *g = *state;
	db_close(g->sq);
	db_close(g->pg);
	ts_drop_db(g->url);
	ts_rmdir(g->dir);
	free(g);
	return 0;
}

static void test_both_engines_reach_the_same_schema_version(void **state)
{
	struct engines *g = *state;
	struct xf_err e;
	int64_t a, b;
	assert_int_equal(store_db_version(g->sq, &a, &e), XF_OK);
	assert_int_equal(store_db_version(g->pg, &b, &e), XF_OK);
	assert_int_equal(a, store_schema_version());
	assert_int_equal(b, store_schema_version());
	struct embedded_file {
		int version;
		const char *name;
		const char *text;
	};
	extern const struct embedded_file xf_migrations_sqlite[], xf_migrations_postgres[];
	size_t ns = 0, np = 0;
	while (xf_migrations_sqlite[ns].name)
		ns++;
	while (xf_migrations_postgres[np].name)
		np++;
	assert_int_equal(ns, np);
	for (size_t i = 0; i < ns; i++)
		assert_string_equal(xf_migrations_sqlite[i].name, xf_migrations_postgres[i].name);
}

static void test_schemas_agree(void **state)
{
	struct engines *g = *state;
	struct facts a = {0}, b = {0};
	sqlite_facts(g->sq, &a);
	pg_facts(g->pg, &b);
	qsort(a.items, a.n, sizeof *a.items, cmp);
	qsort(b.items, b.n, sizeof *b.items, cmp);
	int diffs = 0;
	size_t i = 0, k = 0;
	while (i < a.n || k < b.n) {
		int c = i >= a.n ? 1 : k >= b.n ? -1 : strcmp(a.items[i], b.items[k]);
		if (c == 0) {
			i++, k++;
			continue;
		}
		diffs++;
		if (c < 0)
			printf("only in SQLite:     %s\n", a.items[i++]);
		else
			printf("only in PostgreSQL: %s\n", b.items[k++]);
	}
	printf("# schema facts compared: %zu\n", a.n);
	assert_true(a.n > 50);
	assert_int_equal(diffs, 0);
	facts_free(&a);
	facts_free(&b);
}

static void test_every_registered_statement_prepares_on_both_engines(void **state)
{
	struct engines *g = *state;
	const struct db_sql *begin, *end;
	db_sql_all(&begin, &end);
	int checked = 0, failed = 0;
	for (const struct db_sql *s = begin; s < end; s++) {
		if (!strstr(s->file, "/src/"))
			continue; /* this file's catalogue queries are engine-specific on purpose */
		struct xf_err e;
		if (db_check_sql(g->sq, s->text, &e) != XF_OK) {
			printf("SQLite refuses %s:%d: %s\n", s->file, s->line, e.message);
			failed++;
		}
		if (db_check_sql(g->pg, s->text, &e) != XF_OK) {
			printf("PostgreSQL refuses %s:%d: %s\n", s->file, s->line, e.message);
			failed++;
		}
		checked++;
	}
	printf("# statements prepared on both engines: %d\n", checked);
	assert_true(checked >= 30);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_both_engines_reach_the_same_schema_version),
	    cmocka_unit_test(test_schemas_agree),
	    cmocka_unit_test(test_every_registered_statement_prepares_on_both_engines),
	};
	return TS_RUN(tests, setup, teardown);
}
