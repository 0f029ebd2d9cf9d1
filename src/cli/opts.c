/* Option parsing shared by every subcommand, and the serve loop. */
#include "cli.h"
#include "../api/api.h"
#include "../api/app.h"
#include "../api/config.h"
#include "../core/clock.h"
#include "../core/crypto.h"
#include "../core/log.h"
#include "../core/pii.h"
#include "../core/ratelimit.h"
#include "../core/str.h"
#include "../http/metrics.h"
#include "../http/server.h"
#include "../sched/outbox.h"
#include "../sched/sched.h"
#include "../sched/webhook.h"
#include "../store/store.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The configuration file of this run (loaded once by cli_parse). */
static struct config conf;
static bool conf_loaded;
static char conf_path[4096];

const struct config *cli_config(void)
{
	return conf_loaded ? &conf : NULL;
}

void cli_config_release(void)
{
	if (conf_loaded)
		config_free(&conf);
	conf_loaded = false;
}

void cli_config_print_problems(const char *path, const struct config_problems *p)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->v[i].line)
			fprintf(stderr, "%s 第 %d 行 / line %d：%s：%s\n", path, p->v[i].line,
			        p->v[i].line, p->v[i].code, p->v[i].message);
		else
			fprintf(stderr, "%s：%s：%s\n", path, p->v[i].code, p->v[i].message);
	}
}

/* Load --config (or $XINGFU_CONFIG) for any command; a bad file stops the command. */
static int load_config(const char *cmd, const char *path)
{
	struct config_problems probs;
	struct xf_err err;
	xf_err_clear(&err);
	cli_config_release();
	if (config_load(path, &conf, &probs, &err) != XF_OK) {
		fprintf(stderr, "xingfu %s: %s\n", cmd, err.message);
		return CLI_EXIT_FAIL;
	}
	if (probs.n) {
		cli_config_print_problems(path, &probs);
		fprintf(stderr, "xingfu %s: 配置文件 %s 有 %zu 处错误（xingfu config check %s）\n",
		        cmd, path, probs.n, path);
		config_problems_free(&probs);
		config_free(&conf);
		return CLI_EXIT_FAIL;
	}
	config_problems_free(&probs);
	snprintf(conf_path, sizeof conf_path, "%s", path);
	conf_loaded = true;
	return CLI_EXIT_OK;
}

static bool allowed_flag(const char *allowed, const char *name)
{
	if (strcmp(name, "config") == 0)
		return true; /* every command reads its database and key file from it */
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
	    {"config", offsetof(struct cli_opts, config), false},
	    {"generate-only", offsetof(struct cli_opts, generate_only), true},
	    {"dry-run", offsetof(struct cli_opts, dry_run), true},
	    {"force", offsetof(struct cli_opts, force), true},
	    {"verify", offsetof(struct cli_opts, verify), true},
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
	if (!o->config) {
		const char *env = getenv("XINGFU_CONFIG");
		o->config = env && *env ? env : NULL;
	}
	return o->config ? load_config(cmd, o->config) : CLI_EXIT_OK;
}

const char *cli_db(const struct cli_opts *o, const char *fallback)
{
	if (o->db)
		return o->db;
	const char *env = getenv("XINGFU_DB");
	if (env && *env)
		return env;
	const char *c = config_get(cli_config(), "db");
	return c ? c : fallback;
}

const char *cli_key_file(const struct cli_opts *o, const char *db)
{
	static char path[4096];
	if (o->key_file)
		return o->key_file;
	const char *env = getenv("XINGFU_KEY_FILE");
	if (env && *env)
		return env;
	const char *c = config_get(cli_config(), "key_file");
	if (c)
		return c;
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
	if (env && *env)
		return env;
	const char *c = config_get(cli_config(), "listen");
	return c ? c : "127.0.0.1:8080";
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

/* Where the access log goes: --access-log, else the config file's access_log, else stdout;
 * "-" is nowhere. *out is NULL for nowhere. */
static int open_access_log(const struct cli_opts *o, const struct config *c, FILE **out)
{
	const char *path = o->access_log ? o->access_log : config_get(c, "access_log");
	*out = stdout;
	if (!path)
		return XF_OK;
	if (strcmp(path, "-") == 0) {
		*out = NULL;
		return XF_OK;
	}
	*out = fopen(path, "a");
	if (!*out) {
		fprintf(stderr, "xingfu: 无法打开访问日志 %s\n", path);
		return XF_EIO;
	}
	setvbuf(*out, NULL, _IOFBF, 64 * 1024); /* written out every 100 ms (log_access_flush) */
	return XF_OK;
}

static void apply_log_level(const struct config *c)
{
	const char *v = config_get(c, "log_level");
	if (!v)
		return;
	log_set_level(strcmp(v, "debug") == 0   ? LOG_DEBUG
	              : strcmp(v, "warn") == 0  ? LOG_WARN
	              : strcmp(v, "error") == 0 ? LOG_ERROR
	                                        : LOG_INFO);
}

static int apply_db_fn(struct db *db, void *arg, struct xf_err *err)
{
	return config_apply_db(db, arg, err);
}

/* The notification gateways of the config file (SMS, WeChat) on the sender. */
static void add_gateways(struct outbox_sender *sender, const struct config *c)
{
	static const char *const gw[][3] = {
	    {"sms", "sms_webhook_url", "sms_webhook_secret"},
	    {"wechat", "wechat_webhook_url", "wechat_webhook_secret"}};
	for (size_t i = 0; i < XF_ARRAY_LEN(gw); i++) {
		const char *url = config_get(c, gw[i][1]), *secret = config_get(c, gw[i][2]);
		if (url && secret)
			webhook_sender_gateway(sender, gw[i][0], url, secret);
	}
}

static void warn_restart(const char *key, void *ctx)
{
	(void)ctx;
	log_warn("配置项 %s 已修改，需要重启服务才能生效", key);
}

/* SIGHUP: reopen the access log (logrotate), and with a config file re-read it: the settings
 * marked reloadable take effect, database settings are written again; a bad file changes
 * nothing. */
static void reload(struct app *app, const struct cli_opts *o, FILE **access)
{
	bool ok = true;
	if (conf_loaded) {
		struct config fresh;
		struct config_problems probs;
		struct xf_err err;
		xf_err_clear(&err);
		if (config_load(conf_path, &fresh, &probs, &err) != XF_OK) {
			log_error("重新加载配置失败：%s；继续使用原配置", err.message);
			metrics_reload(false);
			return;
		}
		if (probs.n) {
			cli_config_print_problems(conf_path, &probs);
			log_error("配置文件 %s 有 %zu 处错误，未重新加载；继续使用原配置",
			          conf_path, probs.n);
			config_problems_free(&probs);
			config_free(&fresh);
			metrics_reload(false);
			return;
		}
		config_problems_free(&probs);
		if (config_has_db_settings(&fresh) &&
		    store_write(app->store, apply_db_fn, &fresh, &err) != XF_OK) {
			log_error("配置未能写入数据库：%s；继续使用原配置", err.message);
			config_free(&fresh);
			metrics_reload(false);
			return;
		}
		config_restart_changes(&conf, &fresh, warn_restart, NULL);
		config_apply_app(&fresh, &app->cfg, true);
		apply_log_level(&fresh);
		config_free(&conf);
		conf = fresh;
	}
	FILE *f;
	if (open_access_log(o, cli_config(), &f) != XF_OK) {
		ok = false;
	} else {
		FILE *old = log_set_access(f);
		if (old && old != stdout && old != f)
			fclose(old);
		*access = f;
	}
	metrics_reload(ok);
	log_info("已重新加载%s", conf_loaded ? "配置并重新打开访问日志" : "（重新打开访问日志）");
}

int cli_serve_db(const char *db, const struct cli_opts *o, bool print_demo_accounts,
                 const char *demo_password)
{
	struct xf_err err;
	xf_err_clear(&err);
	const struct config *c = cli_config();
	struct app app = {0};
	app_config_defaults(&app.cfg);
	if (c) {
		config_apply_app(c, &app.cfg, false);
		apply_log_level(c);
	}
	if (o->per_ip_limit) {
		int64_t n;
		if (!parse_i64(o->per_ip_limit, &n) || n < 0 || n > 100000) {
			fprintf(stderr,
			        "xingfu: --per-ip-limit 应为 0–100000 的整数（0 表示不限）\n");
			return CLI_EXIT_USAGE;
		}
		app.cfg.per_ip_limit = (int)n;
	}
	struct stat st;
	if (!db_is_postgres_url(db) && stat(db, &st) != 0) {
		fprintf(stderr, "xingfu: 数据库 %s 不存在；先运行 xingfu init --db %s\n", db, db);
		return CLI_EXIT_FAIL;
	}
	snprintf(app.cfg.listen, sizeof app.cfg.listen, "%s", cli_listen(o));
	if (o->trusted_proxies)
		snprintf(app.cfg.trusted_proxies, sizeof app.cfg.trusted_proxies, "%s",
		         o->trusted_proxies);
	if (o->outbox_log)
		snprintf(app.cfg.outbox_log, sizeof app.cfg.outbox_log, "%s", o->outbox_log);
	else if (!app.cfg.outbox_log[0] && db_is_postgres_url(db))
		snprintf(app.cfg.outbox_log, sizeof app.cfg.outbox_log, "xingfu.outbox.log");
	else if (!app.cfg.outbox_log[0])
		snprintf(app.cfg.outbox_log, sizeof app.cfg.outbox_log, "%s.outbox.log", db);
	int64_t t0 = clock_mono_ms();
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
	/* The file's database settings, through the same functions as the API, before any
	 * request can see the old ones. */
	if (c && config_has_db_settings(c) &&
	    store_write(app.store, apply_db_fn, (void *)c, &err) != XF_OK) {
		store_close(app.store);
		return cli_fail(&err);
	}
	FILE *access;
	if (open_access_log(o, c, &access) != XF_OK) {
		store_close(app.store);
		return CLI_EXIT_FAIL;
	}
	log_set_access(access);
	app.sender = webhook_sender_new(outbox_file_sender(app.cfg.outbox_log, &err));
	if (c)
		add_gateways(app.sender, c);
	app.login_limiter = ratelimit_new(8192);
	app.sched = sched_new();
	api_core_schedule(&app);

	/* Block the stop and reload signals in every thread; this one waits for them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
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
	printf("xingfu %s 已启动：http://%s:%d/  （数据库 %s%s，用时 %lld 毫秒）\n", XF_VERSION,
	       strcmp(host, "0.0.0.0") == 0 ? "127.0.0.1" : host, server_port(srv),
	       rdb ? db_target(rdb) : "", app.demo ? "，演示城市" : "",
	       (long long)(clock_mono_ms() - t0));
	if (print_demo_accounts) {
		printf("演示账号（密码：%s）：\n",
		       demo_password ? demo_password : "生成时打印的密码；用 --password 重设");
		printf(
		    "  admin 市级管理员 · jiedao 澄月街道 · shequ 大智路社区 · shequ2 友爱街社区\n"
		    "  shequ3 沈家营社区 · wangge 网格员 · dangyuan 党员 · jumin 居民\n"
		    "  danwei 黄石公交集团 · wuye 物业 · shangdian 积分超市 · daibiao 党代表 · "
		    "shenji 审计员 · shenpi 审批人\n");
	}
	printf("按 Ctrl-C 停止；SIGHUP 重新加载配置。\n");
	fflush(stdout);
	/* Wait for a signal; meanwhile write the buffered access-log lines out every 100 ms. */
	const struct timespec tick = {0, 100 * 1000 * 1000};
	for (;;) {
		int sig = sigtimedwait(&set, NULL, &tick);
		log_access_flush();
		if (sig < 0)
			continue; /* the tick (EAGAIN) or an unrelated signal (EINTR) */
		if (sig != SIGHUP)
			break;
		reload(&app, o, &access);
	}
	printf("正在停止……\n");
	fflush(stdout);
	/* In-flight requests are answered (their writes durable) before the scheduler stops and
	 * the writer drains its queue and closes the database. */
	server_stop(srv);
	sched_free(app.sched);
	outbox_sender_free(app.sender);
	ratelimit_free(app.login_limiter);
	store_close(app.store);
	log_set_access(NULL);
	if (access && access != stdout)
		fclose(access);
	printf("已停止。\n");
	return CLI_EXIT_OK;
}
