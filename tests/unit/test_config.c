/* api/config.c: the configuration file is checked line by line (every bad line named, nothing
 * kept from it), process settings land in struct app_config, and database settings go through
 * the domain functions the API uses — on both engines. */
#include "../support/testlib.h"
#include "api/config.h"
#include "core/clock.h"
#include "points/points.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fx {
	char dir[64], db[512], file[320];
	struct store *s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	ts_tmpdir(f->dir, sizeof f->dir);
	ts_new_db(f->dir, f->db, sizeof f->db);
	snprintf(f->file, sizeof f->file, "%s/xingfu.conf", f->dir);
	struct db *db;
	struct xf_err e;
	assert_int_equal(db_open(f->db, DB_OPEN_CREATE | DB_OPEN_WRITER, &db, &e), XF_OK);
	assert_int_equal(store_migrate(db, &e), XF_OK);
	db_close(db);
	assert_int_equal(store_open(f->db, &f->s, &e), XF_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	ts_drop_db(f->db);
	ts_rmdir(f->dir);
	free(f);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void load(struct fx *f, const char *text, struct config *c, struct config_problems *p)
{
	struct xf_err e;
	write_file(f->file, text);
	assert_int_equal(config_load(f->file, c, p, &e), XF_OK);
}

static void test_a_good_file_sets_the_process_settings(void **state)
{
	struct fx *f = *state;
	struct config c;
	struct config_problems p;
	load(f,
	     "# 区政务云\n\nlisten = 127.0.0.1:9000\ntrusted_proxies = 127.0.0.1, 10.0.0.2\n"
	     "session_idle_minutes = 20\nrequire_second_factor = yes\ncookie_secure=on\n"
	     "password_classes = 3\nmetrics_token = \"0123456789abcdef\"\n",
	     &c, &p);
	assert_int_equal(p.n, 0);
	assert_int_equal(c.n, 7);
	struct app_config cfg;
	app_config_defaults(&cfg);
	config_apply_app(&c, &cfg, false);
	assert_string_equal(cfg.listen, "127.0.0.1:9000");
	assert_string_equal(cfg.trusted_proxies, "127.0.0.1, 10.0.0.2");
	assert_int_equal(cfg.session_idle_s, 20 * 60);
	assert_true(cfg.cookie_secure);
	assert_int_equal(cfg.password_classes, 3);
	assert_string_equal(cfg.metrics_token, "0123456789abcdef");
	assert_int_equal(config_line_of(&c, "session_idle_minutes"), 5);
	config_free(&c);
	config_problems_free(&p);
}

static void test_a_reload_changes_only_what_may_change_while_running(void **state)
{
	struct fx *f = *state;
	struct config c;
	struct config_problems p;
	load(f, "listen = 127.0.0.1:9001\nthreads = 2\nlockout_minutes = 30\n", &c, &p);
	assert_int_equal(p.n, 0);
	struct app_config cfg;
	app_config_defaults(&cfg);
	config_apply_app(&c, &cfg, true);
	assert_string_equal(cfg.listen, "127.0.0.1:8080"); /* needs a restart */
	assert_int_equal(cfg.threads, 0); /* unchanged: the default (by the CPUs) */
	assert_int_equal(cfg.lockout_s, 30 * 60);
	config_free(&c);
	config_problems_free(&p);
}

static void test_every_bad_line_is_named_and_left_out(void **state)
{
	struct fx *f = *state;
	struct config c;
	struct config_problems p;
	load(f,
	     "bogus = 1\n"                          /* 1 unknown */
	     "threads = 65\n"                       /* 2 out of range */
	     "threads = 4\n"                        /* 3 duplicate */
	     "just words\n"                         /* 4 no '=' */
	     "sla.general = 8d / 7d\n"              /* 5 dispatch longer than feedback */
	     "sla.express = 1h / 2h\n"              /* 6 no such tier */
	     "points.rule.lottery = 1, 1, 1\n"      /* 7 no such rule */
	     "points.rule.case_solved = 1, 2\n"     /* 8 wrong shape */
	     "fund.max_per_project = 50000\n"       /* 9 no such key */
	     "trusted_proxies = nginx\n"            /* 10 not an address */
	     "audit_retention_days = 30\n"          /* 11 below the legal minimum */
	     "listen = 127.0.0.1\n"                 /* 12 no port */
	     "cookie_secure = maybe\n"              /* 13 not a bool */
	     "sms_webhook_url = http://gw.local/\n" /* 14 without its secret */
	     "session_idle_minutes =\n"             /* 15 empty */
	     "# a comment = not a setting\n"
	     "points.gift_daily_limit = 300\n", /* 17 fine */
	     &c, &p);
	static const struct {
		int line;
		const char *code;
	} want[] = {{1, "unknown_key"}, {2, "bad_value"},  {3, "duplicate_key"}, {4, "syntax"},
	            {5, "bad_value"},   {6, "bad_value"},  {7, "bad_value"},     {8, "bad_value"},
	            {9, "unknown_key"}, {10, "bad_value"}, {11, "bad_value"},    {12, "bad_value"},
	            {13, "bad_value"},  {15, "bad_value"}, {14, "missing_key"}};
	assert_int_equal(p.n, XF_ARRAY_LEN(want));
	for (size_t i = 0; i < p.n; i++) {
		assert_int_equal(p.v[i].line, want[i].line);
		assert_string_equal(p.v[i].code, want[i].code);
		assert_true(strlen(p.v[i].message) > 0);
	}
	/* the good lines are kept, the bad ones are not */
	assert_string_equal(config_get(&c, "points.gift_daily_limit"), "300");
	assert_null(config_get(&c, "threads"));
	assert_null(config_get(&c, "bogus"));
	config_free(&c);
	config_problems_free(&p);
}

static int apply_fn(struct db *db, void *arg, struct xf_err *err)
{
	return config_apply_db(db, arg, err);
}

static void test_database_settings_go_through_the_domain_and_are_audited(void **state)
{
	struct fx *f = *state;
	struct config c;
	struct config_problems p;
	load(f,
	     "sla.emergency = 30m / 90m\nsla.complex = - / 20d\ncases.followup_percent = 25\n"
	     "cases.autoclose_days = 10\npoints.rule.service_hours = 2, 16, 16, off\n"
	     "points.gift_daily_limit = 300\ncoop.min_activities = 6\npoints.expire_yearly = on\n",
	     &c, &p);
	assert_int_equal(p.n, 0);
	assert_true(config_has_db_settings(&c));
	struct xf_err e;
	assert_int_equal(store_write(f->s, apply_fn, &c, &e), XF_OK);
	struct db *db = store_reader(f->s, &e);
	int64_t v;
	assert_int_equal(db_int(db, &e, &v, "SELECT dispatch_s FROM case_tiers WHERE tier = ?", "t",
	                        "emergency"),
	                 XF_OK);
	assert_int_equal(v, 1800);
	assert_int_equal(
	    db_int(db, &e, &v, "SELECT feedback_s FROM case_tiers WHERE tier = ?", "t", "complex"),
	    XF_OK);
	assert_int_equal(v, 20 * 86400);
	assert_int_equal(db_int(db, &e, &v,
	                        "SELECT points_per_unit * 1000 + enabled FROM points_rules"
	                        " WHERE code = ?",
	                        "t", "service_hours"),
	                 XF_OK);
	assert_int_equal(v, 2000);
	assert_int_equal(points_gift_limit(db), 300);
	assert_true(points_expire_yearly(db));
	char s[32];
	assert_int_equal(store_meta_get(db, "cases.followup_pct", s, sizeof s, &e), XF_OK);
	assert_string_equal(s, "25");
	assert_int_equal(store_meta_get(db, "coop.min_activities", s, sizeof s, &e), XF_OK);
	assert_string_equal(s, "6");
	assert_int_equal(db_int(db, &e, &v, "SELECT count(*) FROM audit_log WHERE action = ?", "t",
	                        "config.apply"),
	                 XF_OK);
	assert_int_equal(v, 1);
	config_free(&c);
	config_problems_free(&p);
}

/* Fund rules come from a JSON file: published once per name, a broken file named. */
static void test_fund_rules_are_published_once_from_a_file(void **state)
{
	struct fx *f = *state;
	char rules[600], bad[600], text[1400];
	snprintf(rules, sizeof rules, "%s/rules.json", f->dir);
	snprintf(bad, sizeof bad, "%s/bad.json", f->dir);
	write_file(rules, "{\"name\": \"配置文件里的经费规则\", \"items\": ["
	                  "{\"category\": \"activity\", \"name\": \"居民活动\", \"allowed\": true,"
	                  " \"cap_fen\": 500000, \"approver_role\": \"street_official\"},"
	                  "{\"category\": \"banquet\", \"name\": \"宴请\", \"allowed\": false}]}");
	write_file(bad, "{\"name\": \"坏\", \"items\": [");
	struct config c;
	struct config_problems p;
	snprintf(text, sizeof text,
	         "fund.rules_file = %s\ncadres.certificate_subsidy_fen = 12000\n"
	         "cadres.local_average_wage_fen = 360000\n",
	         rules);
	load(f, text, &c, &p);
	assert_int_equal(p.n, 0);
	struct xf_err e;
	assert_int_equal(store_write(f->s, apply_fn, &c, &e), XF_OK);
	assert_int_equal(store_write(f->s, apply_fn, &c, &e), XF_OK); /* again: no second copy */
	struct db *db = store_reader(f->s, &e);
	int64_t v;
	assert_int_equal(
	    db_int(db, &e, &v,
	           "SELECT count(*) FROM fund_rulesets WHERE name = '配置文件里的经费规则'", ""),
	    XF_OK);
	assert_int_equal(v, 1);
	assert_int_equal(
	    db_int(db, &e, &v,
	           "SELECT count(*) FROM fund_rule_items i JOIN fund_rulesets r ON r.id ="
	           " i.ruleset_id WHERE r.name = '配置文件里的经费规则' AND i.allowed = 0",
	           ""),
	    XF_OK);
	assert_int_equal(v, 1);
	char s[32];
	assert_int_equal(store_meta_get(db, "cadres.certificate_subsidy_fen", s, sizeof s, &e),
	                 XF_OK);
	assert_string_equal(s, "12000");
	config_free(&c);
	config_problems_free(&p);
	snprintf(text, sizeof text, "fund.rules_file = %s\nfund.rules_file2 = x\n", bad);
	load(f, text, &c, &p);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.v[0].code, "bad_value");
	assert_non_null(strstr(p.v[0].message, "JSON"));
	assert_string_equal(p.v[1].code, "unknown_key");
	config_free(&c);
	config_problems_free(&p);
}

/* The checker's list of points rules is the one the migrations create. */
static void test_the_known_rule_codes_are_the_database_rules(void **state)
{
	struct fx *f = *state;
	struct xf_err e;
	struct db *db = store_reader(f->s, &e);
	struct db_stmt *st = db_prep(db, "SELECT code FROM points_rules ORDER BY id", &e);
	assert_non_null(st);
	int n = 0;
	while (db_step(st, &e) == DB_ROW) {
		char text[160];
		snprintf(text, sizeof text, "points.rule.%s = 1, 1, 1\n", db_col_text(st, 0));
		struct config c;
		struct config_problems p;
		load(f, text, &c, &p);
		assert_int_equal(p.n, 0);
		config_free(&c);
		config_problems_free(&p);
		n++;
	}
	assert_int_equal(n, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_a_good_file_sets_the_process_settings, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        test_a_reload_changes_only_what_may_change_while_running, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_every_bad_line_is_named_and_left_out, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        test_database_settings_go_through_the_domain_and_are_audited, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_the_known_rule_codes_are_the_database_rules, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_fund_rules_are_published_once_from_a_file, setup,
	                                    teardown),
	};
	return TS_RUN(tests, NULL, NULL);
}
