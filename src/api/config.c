/* The configuration file: one table of keys, a checker that names every bad line, and the
 * two ways settings are applied (process settings into struct app_config, database settings
 * through the domain functions the API uses). */
#include "config.h"
#include "../funds/funds.h"
#include "app.h"
#include "../auth/audit.h"
#include "../cases/cases.h"
#include "../coop/coop.h"
#include "../review/review.h"
#include "../core/clock.h"
#include "../core/str.h"
#include "../http/server.h"
#include "../points/points.h"
#include "../sched/webhook.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CONFIG_MAX_BYTES (1024 * 1024)
#define CONFIG_MAX_LINES 4096

/* How a value is checked. */
enum vtype {
	V_TEXT,    /* non-empty, printable, at most max bytes */
	V_INT,     /* decimal integer in [min, max] */
	V_BOOL,    /* yes/no, true/false, on/off, 1/0 */
	V_LISTEN,  /* host:port */
	V_IPLIST,  /* comma-separated IP addresses */
	V_URL,     /* a webhook URL (webhook_url_valid) */
	V_SECRET,  /* 16–128 printable ASCII characters without spaces */
	V_LEVEL,   /* debug|info|warn|error */
	V_SLA,     /* "DISPATCH / FEEDBACK" durations */
	V_RULE,    /* "PER_UNIT, CAP_PER_OUTCOME, CAP_PER_DAY[, on|off]" */
	V_RULESET, /* a JSON file with a fund rule set: {"name", "text"?, "items": [...]} */
	V_RESERVED /* a key kept for a capability that does not exist yet */
};

struct keydef {
	struct config_key pub;
	enum vtype vt;
	int64_t min, max; /* V_INT range, V_TEXT max length */
	int mult;         /* V_INT: value × mult goes into the field (minutes → seconds) */
	ptrdiff_t off;    /* CONFIG_APP: offset in struct app_config, or -1 */
	size_t size;      /* CONFIG_APP strings: field size; ints: 0; bools: 1 */
};

#define APP_INT(f)  offsetof(struct app_config, f), 0
#define APP_BOOL(f) offsetof(struct app_config, f), 1
#define APP_STR(f)  offsetof(struct app_config, f), sizeof(((struct app_config *)0)->f)
#define NO_FIELD    -1, 0

static const struct keydef keys[] = {
    /* where it runs */
    {{"listen", "地址:端口", CONFIG_APP, false, "监听地址，如 127.0.0.1:8080（反向代理在本机时）"},
     V_LISTEN,
     0,
     0,
     1,
     APP_STR(listen)},
    {{"db", "文件路径或 postgresql:// 地址", CONFIG_CLI, false,
      "数据库：SQLite 文件，或 PostgreSQL 连接地址"},
     V_TEXT,
     0,
     4000,
     1,
     NO_FIELD},
    {{"key_file", "文件路径", CONFIG_CLI, false, "个人信息加密密钥文件（0600，与数据库分开备份）"},
     V_TEXT,
     0,
     4000,
     1,
     NO_FIELD},
    {{"access_log", "文件路径或 -", CONFIG_CLI, true,
      "访问日志（JSON 行）；- 表示不写。SIGHUP 时重新打开（配合 logrotate）"},
     V_TEXT,
     0,
     4000,
     1,
     NO_FIELD},
    {{"outbox_log", "文件路径", CONFIG_APP, false, "未配置网关的通知写入的文件（JSON 行）"},
     V_TEXT,
     0,
     500,
     1,
     APP_STR(outbox_log)},
    {{"log_level", "debug|info|warn|error", CONFIG_CLI, true, "运行日志（标准错误）的级别"},
     V_LEVEL,
     0,
     0,
     1,
     NO_FIELD},
    /* connections */
    {{"threads", "整数 1–64", CONFIG_APP, false,
      "HTTP 工作线程数（不设：SQLite 为 CPU 核数，PostgreSQL 为核数的 4 倍）"},
     V_INT,
     1,
     64,
     1,
     APP_INT(threads)},
    {{"max_connections", "整数 16–100000", CONFIG_APP, false, "同时打开的连接总数上限"},
     V_INT,
     16,
     100000,
     1,
     APP_INT(conn_limit)},
    {{"per_ip_limit", "整数 0–100000", CONFIG_APP, false,
      "单个客户端地址的并发连接上限（0 不限；反向代理后请保持 0）"},
     V_INT,
     0,
     100000,
     1,
     APP_INT(per_ip_limit)},
    {{"idle_timeout_seconds", "整数 5–3600", CONFIG_APP, false, "空闲连接多少秒后断开"},
     V_INT,
     5,
     3600,
     1,
     APP_INT(idle_timeout_s)},
    {{"trusted_proxies", "IP,IP", CONFIG_APP, false,
      "反向代理的地址：只相信它们转发的 X-Forwarded-For"},
     V_IPLIST,
     0,
     0,
     1,
     APP_STR(trusted_proxies)},
    {{"cookie_secure", "yes|no", CONFIG_APP, false,
      "会话 Cookie 加 Secure（经 HTTPS 反向代理访问时设为 yes）"},
     V_BOOL,
     0,
     0,
     1,
     APP_BOOL(cookie_secure)},
    {{"metrics_token", "16–128 个字符", CONFIG_APP, false,
      "非本机访问 /metrics 时须携带的 Bearer 令牌（不设则只有本机可访问）"},
     V_SECRET,
     0,
     0,
     1,
     APP_STR(metrics_token)},
    /* security policy */
    {{"session_idle_minutes", "整数 5–1440", CONFIG_APP, true, "无操作多少分钟后退出登录"},
     V_INT,
     5,
     1440,
     60,
     APP_INT(session_idle_s)},
    {{"session_max_hours", "整数 1–168", CONFIG_APP, true, "登录后最长多少小时必须重新登录"},
     V_INT,
     1,
     168,
     3600,
     APP_INT(session_max_s)},
    {{"max_login_failures", "整数 3–100", CONFIG_APP, true, "连续登录失败多少次后锁定账号"},
     V_INT,
     3,
     100,
     1,
     APP_INT(max_login_failures)},
    {{"lockout_minutes", "整数 1–1440", CONFIG_APP, true, "账号锁定多少分钟"},
     V_INT,
     1,
     1440,
     60,
     APP_INT(lockout_s)},
    {{"login_per_ip_per_min", "整数 1–100000", CONFIG_APP, true, "同一地址每分钟最多登录尝试次数"},
     V_INT,
     1,
     100000,
     1,
     APP_INT(login_per_ip_per_min)},
    {{"require_second_factor", "yes|no", CONFIG_APP, true,
      "工作人员必须绑定动态口令（等保三级要求 yes）"},
     V_BOOL,
     0,
     0,
     1,
     APP_BOOL(require_second_factor)},
    {{"password_min_length", "整数 8–128", CONFIG_APP, true, "密码最短长度"},
     V_INT,
     8,
     128,
     1,
     APP_INT(password_min_len)},
    {{"password_classes", "整数 0–4", CONFIG_APP, true,
      "密码须含几类字符（大写、小写、数字、符号）；0 不要求，等保风格为 3"},
     V_INT,
     0,
     4,
     1,
     APP_INT(password_classes)},
    {{"password_max_age_days", "整数 0–3650", CONFIG_APP, true,
      "密码多少天后必须更换；0 不强制（等保风格为 90）"},
     V_INT,
     0,
     3650,
     1,
     APP_INT(password_max_age_days)},
    {{"sms_per_phone_per_hour", "整数 1–100", CONFIG_APP, true, "同一手机号每小时最多发送验证码数"},
     V_INT,
     1,
     100,
     1,
     APP_INT(sms_per_phone_per_hour)},
    {{"sms_per_ip_per_hour", "整数 1–100000", CONFIG_APP, true, "同一地址每小时最多请求验证码数"},
     V_INT,
     1,
     100000,
     1,
     APP_INT(sms_per_ip_per_hour)},
    /* retention */
    {{"audit_retention_days", "整数 180–36500", CONFIG_APP, true,
      "审计日志保留天数（法定不少于 180 天）"},
     V_INT,
     180,
     36500,
     1,
     APP_INT(audit_retention_days)},
    /* notification gateways */
    {{"sms_webhook_url", "http(s) 地址", CONFIG_SENDER, false,
      "短信网关：sms 通知以签名的 JSON POST 到此地址"},
     V_URL,
     0,
     0,
     1,
     NO_FIELD},
    {{"sms_webhook_secret", "16–128 个字符", CONFIG_SENDER, false,
      "短信网关签名密钥（X-Xingfu-Signature: sha256=HMAC）"},
     V_SECRET,
     0,
     0,
     1,
     NO_FIELD},
    {{"wechat_webhook_url", "http(s) 地址", CONFIG_SENDER, false,
      "微信消息网关：notice 和 wechat 通知以签名的 JSON POST 到此地址"},
     V_URL,
     0,
     0,
     1,
     NO_FIELD},
    {{"wechat_webhook_secret", "16–128 个字符", CONFIG_SENDER, false, "微信消息网关签名密钥"},
     V_SECRET,
     0,
     0,
     1,
     NO_FIELD},
    /* stored in the database */
    {{"sla.", "受理时限 / 答复时限，如 1h / 2h", CONFIG_DB, true,
      "诉求时限档次（emergency、utilities、general、complex）；时长以 m、h、d 结尾，- "
      "表示不设受理时限"},
     V_SLA,
     0,
     0,
     1,
     NO_FIELD},
    {{"cases.followup_percent", "整数 0–100", CONFIG_DB, true, "办结诉求的回访抽样比例（%）"},
     V_INT,
     0,
     100,
     1,
     NO_FIELD},
    {{"cases.autoclose_days", "整数 1–60", CONFIG_DB, true, "答复后多少天未评价自动办结"},
     V_INT,
     1,
     60,
     1,
     NO_FIELD},
    {{"points.rule.", "每单位积分, 每项上限, 每人每天上限[, on|off]", CONFIG_DB, true,
      "积分规则（service_hours、wish_fulfilled、case_solved、manual_award）；上限 0 为不限"},
     V_RULE,
     0,
     0,
     1,
     NO_FIELD},
    {{"points.gift_daily_limit", "整数 1–1000000", CONFIG_DB, true, "每个账户每天转赠积分上限"},
     V_INT,
     1,
     1000000,
     1,
     NO_FIELD},
    {{"points.expire_yearly", "on|off", CONFIG_DB, true,
      "每年初（北京时间）把上一年剩余的可用积分退回社区；评议积分不变，默认 off"},
     V_BOOL,
     0,
     0,
     1,
     NO_FIELD},
    {{"coop.min_activities", "整数 1–100", CONFIG_DB, true, "在职党员每年最少参加活动次数"},
     V_INT,
     1,
     100,
     1,
     NO_FIELD},
    {{"review.unit_threshold", "整数 0–100", CONFIG_DB, true,
      "驻区单位年度评议综合得分低于此分取消优胜评选资格，默认 80"},
     V_INT,
     0,
     100,
     1,
     NO_FIELD},
    {{"fund.rules_file", "JSON 文件路径", CONFIG_DB, true,
      "经费使用规则（名称、允许与禁止的支出类别、单笔上限、审批人）；同名规则已发布则不重复发布"},
     V_RULESET,
     0,
     0,
     1,
     NO_FIELD},
    {{"cadres.certificate_subsidy_fen", "整数 0–10000000（分）", CONFIG_DB, true,
      "助理社工师及以上每张证书每月补贴，默认 10000（100 元）"},
     V_INT,
     0,
     10000000,
     1,
     NO_FIELD},
    {{"cadres.local_average_wage_fen", "整数 0–100000000（分）", CONFIG_DB, true,
      "当地职工月平均工资，用来对照社区工作者薪酬，默认 350000（3500 元）"},
     V_INT,
     0,
     100000000,
     1,
     NO_FIELD},
};

size_t config_key_count(void)
{
	return XF_ARRAY_LEN(keys);
}

const struct config_key *config_key_get(size_t i)
{
	return i < XF_ARRAY_LEN(keys) ? &keys[i].pub : NULL;
}

static const char *const tiers[] = {"emergency", "utilities", "general", "complex"};
/* The rules migrations create (tests/unit/test_config.c checks the list against them). */
static const char *const rule_codes[] = {"service_hours", "wish_fulfilled", "case_solved",
                                         "manual_award"};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

static const struct keydef *find_key(const char *name)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(keys); i++) {
		const char *k = keys[i].pub.name;
		size_t n = strlen(k);
		if (k[n - 1] == '.' ? strncmp(name, k, n) == 0 && name[n] : strcmp(name, k) == 0)
			return &keys[i];
	}
	return NULL;
}

/* ---- values ---- */

static bool parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"}, *const no[] = {"no", "false",
	                                                                            "off", "0"};
	if (in_list(v, yes, 4))
		return *out = true, true;
	if (in_list(v, no, 4))
		return *out = false, true;
	return false;
}

/* "90m", "2h", "7d" → seconds; "-" → 0 (none). */
static bool parse_duration(const char *s, size_t n, int64_t *out)
{
	while (n && s[0] == ' ')
		s++, n--;
	while (n && s[n - 1] == ' ')
		n--;
	if (n == 1 && s[0] == '-')
		return *out = 0, true;
	if (n < 2 || n > 8)
		return false;
	int64_t mult = s[n - 1] == 'm' ? 60 : s[n - 1] == 'h' ? 3600 : s[n - 1] == 'd' ? 86400 : 0;
	char num[8];
	memcpy(num, s, n - 1);
	num[n - 1] = 0;
	int64_t v;
	if (!mult || !parse_i64(num, &v) || v < 1)
		return false;
	*out = v * mult;
	return true;
}

static bool parse_sla(const char *v, int64_t *dispatch, int64_t *feedback, char *why, size_t wn)
{
	const char *slash = strchr(v, '/');
	if (!slash || strchr(slash + 1, '/')) {
		snprintf(why, wn, "应为“受理时限 / 答复时限”，如 1h / 2h 或 - / 15d");
		return false;
	}
	if (!parse_duration(v, (size_t)(slash - v), dispatch) ||
	    !parse_duration(slash + 1, strlen(slash + 1), feedback) || !*feedback) {
		snprintf(why, wn,
		         "时长应为整数加单位 m（分钟）、h（小时）或 d（天），如 90m、2h、7d");
		return false;
	}
	if (*dispatch && (*dispatch < 60 || *dispatch > 30 * 86400)) {
		snprintf(why, wn, "受理时限应在 1 分钟到 30 天之间");
		return false;
	}
	if (*feedback < 600 || *feedback > 90 * 86400) {
		snprintf(why, wn, "答复时限应在 10 分钟到 90 天之间");
		return false;
	}
	if (*dispatch > *feedback) {
		snprintf(why, wn, "受理时限不能长于答复时限");
		return false;
	}
	return true;
}

struct rule_value {
	int64_t per_unit, cap_outcome, cap_day;
	int enabled; /* -1 unchanged */
};

static bool parse_rule(const char *v, struct rule_value *r, char *why, size_t wn)
{
	char tmp[128];
	snprintf(tmp, sizeof tmp, "%s", v);
	char *parts[5];
	int n = 0;
	for (char *p = tmp, *save = NULL, *t; n < 5 && (t = strtok_r(p, ",", &save)); p = NULL) {
		while (*t == ' ')
			t++;
		char *e = t + strlen(t);
		while (e > t && e[-1] == ' ')
			*--e = 0;
		parts[n++] = t;
	}
	int64_t nums[3];
	static const int64_t max[3] = {1000, 100000, 100000};
	bool ok = n == 3 || n == 4;
	for (int i = 0; ok && i < 3; i++)
		ok = parse_i64(parts[i], &nums[i]) && nums[i] >= 0 && nums[i] <= max[i];
	int enabled = -1;
	if (ok && n == 4) {
		enabled = strcmp(parts[3], "on") == 0 ? 1 : strcmp(parts[3], "off") == 0 ? 0 : -2;
		ok = enabled >= 0;
	}
	if (!ok) {
		snprintf(why, wn,
		         "应为“每单位积分, 每项成果上限, 每人每天上限[, on|off]”，依次为 0–1000、"
		         "0–100000、0–100000 的整数");
		return false;
	}
	*r = (struct rule_value){nums[0], nums[1], nums[2], enabled};
	return true;
}

static bool ip_list_valid(const char *v)
{
	char tmp[512];
	if (strlen(v) >= sizeof tmp)
		return false;
	snprintf(tmp, sizeof tmp, "%s", v);
	int n = 0;
	for (char *p = tmp, *save = NULL, *t; (t = strtok_r(p, ", ", &save)); p = NULL) {
		unsigned char probe[16];
		if (inet_pton(AF_INET, t, probe) != 1 && inet_pton(AF_INET6, t, probe) != 1)
			return false;
		n++;
	}
	return n > 0;
}

static bool secret_valid(const char *v)
{
	size_t n = strlen(v);
	if (n < 16 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] >= 0x7f)
			return false;
	return true;
}

/* Check one value; on failure write the reason (Chinese) into why. */
/* A fund rule set from a JSON file (at most 1 MiB): an object with a name and a non-empty
 * items array; the items themselves are checked by the funds module when published. */
static json_t *ruleset_load(const char *path, char *why, size_t wn)
{
	struct stat sb;
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(why, wn, "读不到文件 %s", path);
		return NULL;
	}
	if (sb.st_size > CONFIG_MAX_BYTES) {
		snprintf(why, wn, "规则文件超过 1 MB");
		return NULL;
	}
	json_error_t je;
	json_t *rs = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!rs) {
		snprintf(why, wn, "规则文件不是合法的 JSON（第 %d 行：%s）", je.line, je.text);
		return NULL;
	}
	json_t *name = json_object_get(rs, "name"), *items = json_object_get(rs, "items");
	if (!json_is_object(rs) || !json_is_string(name) || json_string_length(name) < 2 ||
	    !json_is_array(items) || json_array_size(items) == 0 || json_array_size(items) > 100) {
		snprintf(why, wn, "规则文件须有 name（名称）和 items（1–100 个支出类别）");
		json_decref(rs);
		return NULL;
	}
	return rs;
}

static bool value_ok(const struct keydef *k, const char *name, const char *v, char *why, size_t wn)
{
	switch (k->vt) {
	case V_TEXT:
		if (strlen(v) > (size_t)k->max) {
			snprintf(why, wn, "值过长（最多 %lld 个字节）", (long long)k->max);
			return false;
		}
		for (const char *p = v; *p; p++)
			if ((unsigned char)*p < 0x20) {
				snprintf(why, wn, "值里有控制字符");
				return false;
			}
		return true;
	case V_INT: {
		int64_t n;
		if (!parse_i64(v, &n) || n < k->min || n > k->max) {
			snprintf(why, wn, "应为 %lld 到 %lld 之间的整数", (long long)k->min,
			         (long long)k->max);
			return false;
		}
		return true;
	}
	case V_BOOL: {
		bool b;
		if (!parse_bool(v, &b)) {
			snprintf(why, wn, "应为 yes 或 no");
			return false;
		}
		return true;
	}
	case V_LISTEN: {
		char host[64];
		int port;
		unsigned char probe[16];
		if (server_parse_listen(v, host, sizeof host, &port) != XF_OK ||
		    (inet_pton(AF_INET, host, probe) != 1 &&
		     inet_pton(AF_INET6, host, probe) != 1 && strcmp(host, "localhost") != 0)) {
			snprintf(why, wn, "应为“IP 地址:端口”，如 127.0.0.1:8080 或 [::1]:8080");
			return false;
		}
		return true;
	}
	case V_IPLIST:
		if (!ip_list_valid(v)) {
			snprintf(why, wn, "应为逗号分隔的 IP 地址，如 127.0.0.1,10.0.0.2");
			return false;
		}
		return true;
	case V_URL:
		if (!webhook_url_valid(v)) {
			snprintf(
			    why, wn,
			    "应为 http:// 或 https:// 开头、不含用户名密码的地址（最多 %d 字节）",
			    WEBHOOK_URL_MAX);
			return false;
		}
		return true;
	case V_SECRET:
		if (!secret_valid(v)) {
			snprintf(why, wn, "应为 16 到 128 个可打印 ASCII 字符（不含空格）");
			return false;
		}
		return true;
	case V_LEVEL: {
		static const char *const levels[] = {"debug", "info", "warn", "error"};
		if (!in_list(v, levels, 4)) {
			snprintf(why, wn, "应为 debug、info、warn 或 error");
			return false;
		}
		return true;
	}
	case V_SLA: {
		const char *tier = name + strlen(k->pub.name);
		int64_t d, f;
		if (!in_list(tier, tiers, XF_ARRAY_LEN(tiers))) {
			snprintf(why, wn,
			         "没有时限档次 %s（应为 emergency、utilities、general 或 complex）",
			         tier);
			return false;
		}
		return parse_sla(v, &d, &f, why, wn);
	}
	case V_RULE: {
		const char *code = name + strlen(k->pub.name);
		struct rule_value r;
		if (!in_list(code, rule_codes, XF_ARRAY_LEN(rule_codes))) {
			snprintf(
			    why, wn,
			    "没有积分规则 %s（应为 service_hours、wish_fulfilled、case_solved 或 "
			    "manual_award）",
			    code);
			return false;
		}
		return parse_rule(v, &r, why, wn);
	}
	case V_RULESET: {
		json_t *rs = ruleset_load(v, why, wn);
		json_decref(rs);
		return rs != NULL;
	}
	case V_RESERVED:
		snprintf(why, wn, "这个设置项保留给尚未完成的功能");
		return false;
	}
	return false;
}

/* ---- the file ---- */

static void problem(struct config_problems *p, int line, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void problem(struct config_problems *p, int line, const char *code, const char *fmt, ...)
{
	p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
	struct config_problem *q = &p->v[p->n++];
	q->line = line;
	snprintf(q->code, sizeof q->code, "%s", code);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q->message, sizeof q->message, fmt, ap);
	va_end(ap);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

static bool key_chars_ok(const char *k)
{
	if (!*k)
		return false;
	for (const char *p = k; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '.'))
			return false;
	return true;
}

/* Every key met so far, valid or not, for duplicate detection. */
struct seen {
	struct {
		char key[64];
		int line;
	} * v;
	size_t n;
};

static void check_line(struct config *c, struct config_problems *probs, struct seen *seen, int no,
                       char *text)
{
	char *s = trim(text);
	if (!*s || *s == '#')
		return;
	char *eq = strchr(s, '=');
	if (!eq) {
		problem(probs, no, "syntax", "缺少“=”：每行应为“设置项 = 值”");
		return;
	}
	*eq = 0;
	char *key = trim(s), *val = trim(eq + 1);
	size_t vn = strlen(val);
	if (vn >= 2 && val[0] == '"' && val[vn - 1] == '"') {
		val[vn - 1] = 0;
		val++;
	}
	if (!key_chars_ok(key)) {
		problem(probs, no, "syntax", "设置项名只能含小写字母、数字、_ 和 .");
		return;
	}
	const struct keydef *k = find_key(key);
	if (!k) {
		problem(probs, no, "unknown_key",
		        "未知的设置项 %s（运行 man xingfu 查看全部设置项）", key);
		return;
	}
	if (!*val && k->vt != V_RESERVED) {
		problem(probs, no, "bad_value", "%s 缺少值", key);
		return;
	}
	for (size_t i = 0; i < seen->n; i++)
		if (strcmp(seen->v[i].key, key) == 0) {
			problem(probs, no, "duplicate_key", "%s 已在第 %d 行设置过", key,
			        seen->v[i].line);
			return;
		}
	if (strlen(key) < sizeof seen->v[0].key) {
		seen->v = xrealloc(seen->v, (seen->n + 1) * sizeof *seen->v);
		snprintf(seen->v[seen->n].key, sizeof seen->v[0].key, "%s", key);
		seen->v[seen->n++].line = no;
	}
	char why[200];
	if (!value_ok(k, key, val, why, sizeof why)) {
		problem(probs, no, k->vt == V_RESERVED ? "reserved_key" : "bad_value",
		        "%s = %s：%s", key, val, why);
		return;
	}
	c->lines = xrealloc(c->lines, (c->n + 1) * sizeof *c->lines);
	c->lines[c->n++] = (struct config_line){no, xstrdup(key), xstrdup(val)};
}

/* Rules that span keys. */
static void check_pairs(struct config *c, struct config_problems *probs)
{
	static const char *const pairs[][2] = {{"sms_webhook_url", "sms_webhook_secret"},
	                                       {"wechat_webhook_url", "wechat_webhook_secret"}};
	for (size_t i = 0; i < XF_ARRAY_LEN(pairs); i++) {
		int a = config_line_of(c, pairs[i][0]), b = config_line_of(c, pairs[i][1]);
		if (a && !b)
			problem(probs, a, "missing_key",
			        "设置了 %s 就必须同时设置 %s（网关据此验证签名）", pairs[i][0],
			        pairs[i][1]);
		if (b && !a)
			problem(probs, b, "missing_key", "%s 没有对应的 %s", pairs[i][1],
			        pairs[i][0]);
	}
}

int config_load(const char *path, struct config *c, struct config_problems *probs,
                struct xf_err *err)
{
	memset(c, 0, sizeof *c);
	memset(probs, 0, sizeof *probs);
	FILE *f = fopen(path, "rb");
	if (!f)
		return xf_fail(err, XF_EIO, "config_unreadable", "无法读取配置文件 %s：%s", path,
		               strerror(errno));
	char *text = xmalloc(CONFIG_MAX_BYTES + 1);
	size_t n = fread(text, 1, CONFIG_MAX_BYTES + 1, f);
	fclose(f);
	if (n > CONFIG_MAX_BYTES) {
		free(text);
		return xf_fail(err, XF_ETOOBIG, "config_too_large", "配置文件 %s 超过 1 MiB", path);
	}
	text[n] = 0;
	c->path = xstrdup(path);
	if (memchr(text, 0, n))
		problem(probs, 0, "bad_encoding", "文件里有 NUL 字节：不是文本文件");
	int no = 0;
	struct seen seen = {NULL, 0};
	/* Every bad line is reported, not just the first. */
	for (char *line = text, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (++no > CONFIG_MAX_LINES) {
			problem(probs, no, "too_many_lines", "配置文件超过 %d 行",
			        CONFIG_MAX_LINES);
			break;
		}
		if (!utf8_valid(line, strlen(line))) {
			problem(probs, no, "bad_encoding", "不是 UTF-8 文本");
			continue;
		}
		check_line(c, probs, &seen, no, line);
	}
	free(seen.v);
	free(text);
	check_pairs(c, probs);
	return XF_OK;
}

void config_free(struct config *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->lines[i].key);
		free(c->lines[i].value);
	}
	free(c->lines);
	free(c->path);
	memset(c, 0, sizeof *c);
}

void config_problems_free(struct config_problems *p)
{
	free(p->v);
	memset(p, 0, sizeof *p);
}

const char *config_get(const struct config *c, const char *key)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (strcmp(c->lines[i].key, key) == 0)
			return c->lines[i].value;
	return NULL;
}

int config_line_of(const struct config *c, const char *key)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (strcmp(c->lines[i].key, key) == 0)
			return c->lines[i].line;
	return 0;
}

/* ---- applying ---- */

void config_apply_app(const struct config *c, struct app_config *cfg, bool reload)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct keydef *k = find_key(c->lines[i].key);
		const char *v = c->lines[i].value;
		if (!k || k->pub.where != CONFIG_APP || k->off < 0 || (reload && !k->pub.reload))
			continue;
		char *field = (char *)cfg + k->off;
		if (k->vt == V_INT) {
			int64_t n = 0;
			parse_i64(v, &n);
			/* Other threads read these ints while a reload writes them: whole-word
			 * stores, so a reader sees the old value or the new one. */
			__atomic_store_n((int *)field, (int)(n * k->mult), __ATOMIC_RELAXED);
		} else if (k->vt == V_BOOL) {
			bool b = false;
			parse_bool(v, &b);
			__atomic_store_n((bool *)field, b, __ATOMIC_RELAXED);
		} else if (!reload && k->size) {
			snprintf(field, k->size, "%s", v);
		}
	}
}

bool config_has_db_settings(const struct config *c)
{
	for (size_t i = 0; c && i < c->n; i++) {
		const struct keydef *k = find_key(c->lines[i].key);
		if (k && k->pub.where == CONFIG_DB)
			return true;
	}
	return false;
}

static int apply_one(struct db *db, const struct keydef *k, const char *key, const char *v,
                     struct xf_err *err)
{
	char why[200];
	int64_t n = 0;
	if (k->vt == V_INT)
		parse_i64(v, &n);
	if (k->vt == V_SLA) {
		int64_t d, f;
		if (!parse_sla(v, &d, &f, why, sizeof why))
			return xf_fail(err, XF_EINVAL, "bad_value", "%s", why);
		return cases_tier_put(db, key + strlen(k->pub.name), d, f, err);
	}
	if (k->vt == V_RULE) {
		struct rule_value r;
		int64_t id;
		if (!parse_rule(v, &r, why, sizeof why))
			return xf_fail(err, XF_EINVAL, "bad_value", "%s", why);
		int rc = points_rule_id(db, key + strlen(k->pub.name), &id, err);
		return rc != XF_OK ? rc
		                   : points_rule_update(db, id, r.per_unit, r.cap_outcome,
		                                        r.cap_day, r.enabled, 0, clock_now(), err);
	}
	if (strcmp(key, "cases.followup_percent") == 0)
		return cases_settings_put(db, (int)n, -1, err);
	if (strcmp(key, "cases.autoclose_days") == 0)
		return cases_settings_put(db, -1, (int)n, err);
	if (strcmp(key, "points.gift_daily_limit") == 0)
		return points_gift_limit_set(db, n, err);
	if (strcmp(key, "points.expire_yearly") == 0) {
		bool on = false;
		if (!parse_bool(v, &on))
			return xf_fail(err, XF_EINVAL, "bad_value", "%s 应为 on 或 off", key);
		return points_expire_yearly_set(db, on, clock_now(), err);
	}
	if (strcmp(key, "coop.min_activities") == 0)
		return coop_min_activities_set(db, (int)n, err);
	if (strcmp(key, "review.unit_threshold") == 0)
		return review_unit_threshold_set(db, (int)n, err);
	if (strcmp(key, "cadres.certificate_subsidy_fen") == 0 ||
	    strcmp(key, "cadres.local_average_wage_fen") == 0) {
		char num[24];
		snprintf(num, sizeof num, "%lld", (long long)n);
		return store_meta_set(db, key, num, err);
	}
	if (k->vt == V_RULESET) {
		json_t *rs = ruleset_load(v, why, sizeof why);
		if (!rs)
			return xf_fail(err, XF_EINVAL, "bad_value", "%s", why);
		int rc = funds_rules_publish(db, rs, clock_now(), err);
		json_decref(rs);
		return rc;
	}
	return xf_fail(err, XF_EINVAL, "reserved_key", "%s 不能设置", key);
}

int config_apply_db(struct db *db, const struct config *c, struct xf_err *err)
{
	char detail[256] = "";
	size_t dn = 0;
	int applied = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct keydef *k = find_key(c->lines[i].key);
		if (!k || k->pub.where != CONFIG_DB)
			continue;
		int rc = apply_one(db, k, c->lines[i].key, c->lines[i].value, err);
		if (rc != XF_OK) {
			char msg[sizeof err->message];
			snprintf(msg, sizeof msg, "%s 第 %d 行 / line %d：%s：%s", c->path,
			         c->lines[i].line, c->lines[i].line, c->lines[i].key, err->message);
			snprintf(err->message, sizeof err->message, "%s", msg);
			return rc;
		}
		applied++;
		int w = snprintf(detail + dn, sizeof detail - dn, "%s%s=%s", dn ? " " : "",
		                 c->lines[i].key, c->lines[i].value);
		if (w > 0 && (size_t)w < sizeof detail - dn)
			dn += (size_t)w;
	}
	if (!applied)
		return XF_OK;
	struct audit_entry e = {.role = "system",
	                        .action = "config.apply",
	                        .object = c->path,
	                        .ip = "",
	                        .outcome = "ok",
	                        .detail = detail};
	return audit_write(db, &e, err);
}

void config_restart_changes(const struct config *a, const struct config *b,
                            void (*fn)(const char *key, void *ctx), void *ctx)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(keys); i++) {
		const struct keydef *k = &keys[i];
		if (k->pub.reload || k->pub.name[strlen(k->pub.name) - 1] == '.')
			continue;
		const char *x = config_get(a, k->pub.name), *y = config_get(b, k->pub.name);
		if ((x == NULL) != (y == NULL) || (x && strcmp(x, y) != 0))
			fn(k->pub.name, ctx);
	}
}
