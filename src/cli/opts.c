/* Option parsing shared by every subcommand, and the serve loop. */
#include "cli.h"
#include "../api/api.h"
#include "../api/app.h"
#include "../core/clock.h"
#include "../core/crypto.h"
#include "../core/log.h"
#include "../core/pii.h"
#include "../core/ratelimit.h"
#include "../core/str.h"
#include "../http/server.h"
#include "../sched/outbox.h"
#include "../sched/sched.h"
#include "../sched/webhook.h"
#include "../store/store.h"

#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool allowed_flag(const char *allowed, const char *name)
{
	size_t n = strlen(name);
	const char *p = allowed;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

/* what: a description with one %s for arg, always a literal at the call site. */
static int usage_error(const char *cmd, const char *what, const char *arg)
{
	fprintf(stderr, "xingfu %s: %s %s（运行 xingfu help %s 查看用法）\n", cmd, what, arg, cmd);
	return CLI_EXIT_USAGE;
}

int cli_parse(const char *cmd, int argc, char **argv, const char *allowed, int max_pos,
              struct cli_opts *o)
{
	static const struct {
		const char *name;
		size_t off;
		bool is_bool;
	} flags[] = {
	    {"db", offsetof(struct cli_opts, db), false},
	    {"listen", offsetof(struct cli_opts, listen), false},
	    {"key-file", offsetof(struct cli_opts, key_file), false},
	    {"admin", offsetof(struct cli_opts, admin), false},
	    {"scale", offsetof(struct cli_opts, scale), false},
	    {"password", offsetof(struct cli_opts, password), false},
	    {"access-log", offsetof(struct cli_opts, access_log), false},
	    {"outbox-log", offsetof(struct cli_opts, outbox_log), false},
	    {"trusted-proxy", offsetof(struct cli_opts, trusted_proxies), false},
	    {"per-ip-limit", offsetof(struct cli_opts, per_ip_limit), false},
	    {"name", offsetof(struct cli_opts, name), false},
	    {"scope", offsetof(struct cli_opts, scope), false},
	    {"expires", offsetof(struct cli_opts, expires), false},
	    {"new-key-file", offsetof(struct cli_opts, new_key_file), false},
	    {"generate-only", offsetof(struct cli_opts, generate_only), true},
	    {"force", offsetof(struct cli_opts, force), true},
	};
	memset(o, 0, sizeof *o);
	bool only_pos = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_pos || a[0] != '-' || a[1] == 0) {
			if (o->npos >= max_pos || o->npos >= (int)XF_ARRAY_LEN(o->pos))
				return usage_error(cmd, "多余的参数", a);
			o->pos[o->npos++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = true;
			continue;
		}
		if (a[1] != '-')
			return usage_error(cmd, "不认识的选项", a);
		char name[32];
		const char *eq = strchr(a + 2, '=');
		size_t nlen = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		if (nlen >= sizeof name)
			return usage_error(cmd, "不认识的选项", a);
		memcpy(name, a + 2, nlen);
		name[nlen] = 0;
		size_t k = 0;
		while (k < XF_ARRAY_LEN(flags) && strcmp(flags[k].name, name) != 0)
			k++;
		if (k == XF_ARRAY_LEN(flags) || !allowed_flag(allowed, name))
			return usage_error(cmd, "不认识的选项", a);
		char *field = (char *)o + flags[k].off;
		if (flags[k].is_bool) {
			if (eq)
				return usage_error(cmd, "选项不带值：", a);
			*(bool *)field = true;
			continue;
		}
		const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!val || !*val)
			return usage_error(cmd, "选项需要一个值：", a);
		*(const char **)field = val;
	}
	return CLI_EXIT_OK;
}

const char *cli_db(const struct cli_opts *o, const char *fallback)
{
	if (o->db)
		return o->db;
	const char *env = getenv("XINGFU_DB");
	return env && *env ? env : fallback;
}

const char *cli_key_file(const struct cli_opts *o, const char *db)
{
	static char path[4096];
	if (o->key_file)
		return o->key_file;
	const char *env = getenv("XINGFU_KEY_FILE");
	if (env && *env)
		return env;
	if (db_is_postgres_url(db))
		return "xingfu.key"; /* a URL has no "beside": the working directory */
	snprintf(path, sizeof path, "%s.key", db);
	return path;
}

const char *cli_listen(const struct cli_opts *o)
{
	if (o->listen)
		return o->listen;
	const char *env = getenv("XINGFU_LISTEN");
	return env && *env ? env : "127.0.0.1:8080";
}

int cli_fail(const struct xf_err *err)
{
	fprintf(stderr, "xingfu: %s\n", err->message);
	return CLI_EXIT_FAIL;
}

int cli_key_ready(const char *keyf, bool create, struct db *db, struct xf_err *err)
{
	unsigned char key[XF_KEY_BYTES];
	struct stat st;
	if (create && stat(keyf, &st) != 0 && crypto_key_create(keyf, err) != XF_OK)
		return err->status;
	if (crypto_key_load(keyf, key, err) != XF_OK)
		return err->status;
	pii_set_key(key);
	sodium_memzero(key, sizeof key);
	char hex[256];
	int rc = store_meta_get(db, "key_check", hex, sizeof hex, err);
	if (rc == XF_ENOTFOUND) {
		struct buf sealed;
		buf_init(&sealed);
		pii_seal("xingfu-key-check", &sealed);
		char out[256];
		hex_encode((const unsigned char *)sealed.data, sealed.len < 120 ? sealed.len : 120,
		           out);
		buf_free(&sealed);
		xf_err_clear(err);
		rc = store_meta_set(db, "key_check", out, err);
		return rc == XF_OK ? XF_OK : XF_OK; /* a read-only open checks next time */
	}
	if (rc != XF_OK)
		return rc;
	size_t n = strlen(hex) / 2;
	unsigned char raw[128];
	for (size_t i = 0; i < n && i < sizeof raw; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		raw[i] = (unsigned char)v;
	}
	struct buf plain;
	buf_init(&plain);
	rc = pii_open(raw, n, &plain, err);
	bool ok = rc == XF_OK && strcmp(buf_cstr(&plain), "xingfu-key-check") == 0;
	buf_free(&plain);
	if (!ok)
		return xf_fail(err, XF_EINVAL, "key_mismatch",
		               "密钥文件 %s 与数据库不匹配（用 --key-file 指定正确的密钥文件）",
		               keyf);
	return XF_OK;
}

int cli_serve_db(const char *db, const struct cli_opts *o, bool print_demo_accounts,
                 const char *demo_password)
{
	struct xf_err err;
	xf_err_clear(&err);
	int per_ip = 0;
	if (o->per_ip_limit) {
		int64_t n;
		if (!parse_i64(o->per_ip_limit, &n) || n < 0 || n > 100000) {
			fprintf(stderr,
			        "xingfu: --per-ip-limit 应为 0–100000 的整数（0 表示不限）\n");
			return CLI_EXIT_USAGE;
		}
		per_ip = (int)n;
	}
	struct stat st;
	if (!db_is_postgres_url(db) && stat(db, &st) != 0) {
		fprintf(stderr, "xingfu: 数据库 %s 不存在；先运行 xingfu init --db %s\n", db, db);
		return CLI_EXIT_FAIL;
	}
	struct app app = {0};
	app_config_defaults(&app.cfg);
	snprintf(app.cfg.listen, sizeof app.cfg.listen, "%s", cli_listen(o));
	app.cfg.per_ip_limit = per_ip;
	if (o->trusted_proxies)
		snprintf(app.cfg.trusted_proxies, sizeof app.cfg.trusted_proxies, "%s",
		         o->trusted_proxies);
	if (o->outbox_log)
		snprintf(app.cfg.outbox_log, sizeof app.cfg.outbox_log, "%s", o->outbox_log);
	else
		snprintf(app.cfg.outbox_log, sizeof app.cfg.outbox_log, "%s",
		         db_is_postgres_url(db) ? "xingfu.outbox.log" : "");
	if (!app.cfg.outbox_log[0])
		snprintf(app.cfg.outbox_log, sizeof app.cfg.outbox_log, "%s.outbox.log", db);
	if (store_open(db, &app.store, &err) != XF_OK)
		return cli_fail(&err);
	struct db *rdb = store_reader(app.store, &err);
	if (!rdb || cli_key_ready(cli_key_file(o, db), false, rdb, &err) != XF_OK) {
		store_close(app.store);
		return cli_fail(&err);
	}
	char demo[8] = "";
	if (rdb)
		store_meta_get(rdb, "demo", demo, sizeof demo, &err);
	app.demo = strcmp(demo, "1") == 0;
	FILE *access = stdout;
	if (o->access_log && strcmp(o->access_log, "-") != 0) {
		access = fopen(o->access_log, "a");
		if (!access) {
			fprintf(stderr, "xingfu: 无法打开访问日志 %s\n", o->access_log);
			store_close(app.store);
			return CLI_EXIT_FAIL;
		}
	} else if (o->access_log) {
		access = NULL;
	}
	log_set_access(access);
	app.sender = webhook_sender_new(outbox_file_sender(app.cfg.outbox_log, &err));
	app.login_limiter = ratelimit_new(8192);
	app.sched = sched_new();
	api_core_schedule(&app);

	/* Block the stop signals in every thread; this one waits for them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct server *srv;
	if (server_start(&app, &srv, &err) != XF_OK) {
		sched_free(app.sched);
		outbox_sender_free(app.sender);
		ratelimit_free(app.login_limiter);
		store_close(app.store);
		return cli_fail(&err);
	}
	sched_start(app.sched, app.cfg.sched_interval_ms);
	char host[64];
	int port;
	server_parse_listen(app.cfg.listen, host, sizeof host, &port);
	printf("xingfu %s 已启动：http://%s:%d/  （数据库 %s%s）\n", XF_VERSION,
	       strcmp(host, "0.0.0.0") == 0 ? "127.0.0.1" : host, server_port(srv),
	       rdb ? db_target(rdb) : "", app.demo ? "，演示城市" : "");
	if (print_demo_accounts) {
		printf("演示账号（密码：%s）：\n",
		       demo_password ? demo_password : "生成时打印的密码；用 --password 重设");
		printf(
		    "  admin 市级管理员 · jiedao 澄月街道 · shequ 大智路社区 · shequ2 友爱街社区\n"
		    "  shequ3 沈家营社区 · wangge 网格员 · dangyuan 党员 · jumin 居民\n"
		    "  danwei 黄石公交集团 · wuye 物业 · shangdian 积分超市 · daibiao 党代表 · "
		    "shenji 审计员 · shenpi 审批人\n");
	}
	printf("按 Ctrl-C 停止。\n");
	fflush(stdout);
	int sig;
	sigwait(&set, &sig);
	printf("正在停止……\n");
	fflush(stdout);
	server_stop(srv);
	sched_free(app.sched);
	outbox_sender_free(app.sender);
	ratelimit_free(app.login_limiter);
	store_close(app.store);
	if (access && access != stdout)
		fclose(access);
	printf("已停止。\n");
	return CLI_EXIT_OK;
}
