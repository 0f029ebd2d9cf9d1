/* Open311 GeoReport v2 under /open311/v2/: discovery, services, service definitions, the
 * public request view, tokens, and requests posted by API clients (form-encoded, with an
 * `api_key` of scope open311). Every answer, errors included, in JSON or XML by the path's
 * extension; the XML is written here, escaped, without a library. */
#include "api.h"
#include "app.h"
#include "../cases/cases.h"
#include "../cases/open311.h"
#include "../core/clock.h"
#include "../core/crypto.h"
#include "../core/str.h"
#include "../store/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHANGESET "2026-11-27T00:00:00Z" /* when this interface last changed */
#define SPEC_URL  "http://wiki.open311.org/GeoReport_v2"

static bool is_xml(const struct req *r)
{
	size_t n = strlen(r->path);
	return n > 4 && strcmp(r->path + n - 4, ".xml") == 0;
}

/* ---- the XML writer ---- */

/* Text content: the five entities escaped, and what XML 1.0 cannot carry (C0 controls other
 * than tab, LF, CR; U+FFFE, U+FFFF) left out. Input is valid UTF-8 (jansson's strings). */
static void xml_text(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&apos;");
			break;
		default:
			if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
				break;
			if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
				p += 2;
				break;
			}
			buf_putc(b, (char)*p);
		}
	}
}

/* The element that holds each item of a list called `name`. */
static const char *item_name(const char *name)
{
	static const char *const pairs[][2] = {
	    {"endpoints", "endpoint"}, {"formats", "format"},   {"attributes", "attribute"},
	    {"values", "value"},       {"services", "service"}, {"service_requests", "request"},
	    {"errors", "error"}};
	for (size_t i = 0; i < XF_ARRAY_LEN(pairs); i++)
		if (strcmp(name, pairs[i][0]) == 0)
			return pairs[i][1];
	return "item";
}

static void xml_element(struct buf *b, const char *name, json_t *v, int depth)
{
	if (depth > 8)
		return;
	if (json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
	    (json_is_array(v) && !json_array_size(v))) {
		buf_printf(b, "<%s/>", name);
		return;
	}
	buf_printf(b, "<%s>", name);
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) xml_element(b, k, x, depth + 1);
	} else if (json_is_array(v)) {
		json_t *x;
		size_t i;
		const char *item = item_name(name);
		json_array_foreach(v, i, x) xml_element(b, item, x, depth + 1);
	} else if (json_is_string(v)) {
		xml_text(b, json_string_value(v));
	} else if (json_is_integer(v)) {
		buf_printf(b, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		buf_printf(b, "%.10g", json_real_value(v));
	} else {
		buf_puts(b, json_is_true(v) ? "true" : "false");
	}
	buf_printf(b, "</%s>", name);
}

/* Answer v (stolen) as JSON, or as XML under root (a list's items named by item_name). */
static void respond(struct req *r, int status, json_t *v, const char *root)
{
	buf_reset(&r->resp.body);
	r->resp.status = status;
	if (is_xml(r)) {
		r->resp.content_type = "text/xml; charset=utf-8";
		buf_puts(&r->resp.body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
		xml_element(&r->resp.body, root, v, 0);
	} else {
		r->resp.content_type = "application/json; charset=utf-8";
		char *s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(10));
		buf_puts(&r->resp.body, s ? s : "[]");
		free(s);
	}
	json_decref(v);
}

/* Errors as Open311 has them: [{code, description}], code the HTTP status. A missing or
 * bad api_key is 403 (Open311 has no 401); our English code ends the description. */
void api_open311_error(struct req *r)
{
	int status = xf_err_http(&r->err);
	if (status == 401)
		status = 403;
	if (status == 415 || status == 422)
		status = 400;
	char desc[sizeof r->err.message + sizeof r->err.code + 8];
	snprintf(desc, sizeof desc, "%s（%s）",
	         r->err.message[0] ? r->err.message : "服务器内部错误",
	         r->err.code[0] ? r->err.code : "internal");
	respond(r, status, json_pack("[{s:i, s:s}]", "code", status, "description", desc),
	        "errors");
}

/* ---- discovery and services ---- */

static struct db *reader(struct req *r)
{
	return store_reader(r->app->store, &r->err);
}

/* Our own address as the client reached it; a Host header that is not a plain host[:port]
 * is not echoed (it would be a way to plant links). */
static void base_url(struct req *r, char *out, size_t n)
{
	const char *host = req_header(r, "Host");
	bool ok = host && *host && strlen(host) <= 255;
	for (const char *p = host; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		     (*p >= '0' && *p <= '9') || strchr(".-:[]", *p);
	if (ok)
		snprintf(out, n, "%s://%s/open311/v2", r->app->cfg.cookie_secure ? "https" : "http",
		         host);
	else
		snprintf(out, n, "/open311/v2");
}

int api_open311_discovery(struct req *r)
{
	char url[300];
	base_url(r, url, sizeof url);
	json_t *v = json_pack(
	    "{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}", "changeset", CHANGESET,
	    "contact", "请联系所在社区居委会，或拨打 12345 热线", "key_service",
	    "API 密钥由市级管理员在“系统管理 → API 令牌”中签发（范围 open311）", "endpoints",
	    "specification", SPEC_URL, "url", url, "changeset", CHANGESET, "type",
	    r->app->demo ? "test" : "production", "formats", "application/json", "text/xml");
	respond(r, 200, v, "discovery");
	return XF_OK;
}

int api_open311_services(struct req *r)
{
	struct db *db = reader(r);
	json_t *v;
	if (!db || open311_services_json(db, &v, &r->err) != XF_OK)
		return r->err.status;
	respond(r, 200, v, "services");
	return XF_OK;
}

int api_open311_service(struct req *r)
{
	struct db *db = reader(r);
	json_t *v;
	if (!db || open311_service_json(db, r->code ? r->code : "", &v, &r->err) != XF_OK)
		return r->err.status;
	respond(r, 200, v, "service_definition");
	return XF_OK;
}

/* ---- the public request view ---- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool digits(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

/* W3C datetime: YYYY-MM-DD, or with Thh:mm[:ss[.fff]] and Z or ±hh:mm. A time without a
 * zone is the city's (UTC+8). */
static bool parse_w3c(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0, tzh = 8, tzm = 0, sign = 1;
	size_t n = strlen(s);
	if (n < 10 || n > 40 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d))
		return false;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap))
		return false;
	const char *p = s + 10;
	if (*p == 'T') {
		if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi))
			return false;
		p += 6;
		if (*p == ':') {
			if (!digits(p + 1, 2, &se))
				return false;
			p += 3;
			if (*p == '.') {
				p++;
				if (*p < '0' || *p > '9')
					return false;
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		if (h > 23 || mi > 59 || se > 60)
			return false;
		if (*p == 'Z') {
			tzh = 0;
			p++;
		} else if (*p == '+' || *p == '-' || *p == ' ') {
			/* ' ': a '+' the client forgot to percent-encode in the query string. */
			sign = *p == '-' ? -1 : 1;
			if (!digits(p + 1, 2, &tzh) || p[3] != ':' || !digits(p + 4, 2, &tzm) ||
			    tzh > 14 || tzm > 59)
				return false;
			p += 6;
		}
	}
	if (*p)
		return false;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + (se > 59 ? 59 : se) -
	       sign * (tzh * 3600 + tzm * 60);
	return true;
}

static bool code_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static int bad(struct req *r, const char *field, const char *msg)
{
	return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", field, "%s", msg);
}

int api_open311_requests(struct req *r)
{
	struct db *db = reader(r);
	if (!db)
		return r->err.status;
	struct open311_filter f = {0};
	int64_t ids[OPEN311_MAX_IDS];
	const char *list = req_query(r, "service_request_id");
	if (list) {
		for (const char *p = list; *p;) {
			const char *c = strchr(p, ',');
			size_t len = c ? (size_t)(c - p) : strlen(p);
			char one[24];
			if (len == 0 || len >= sizeof one || f.nids >= OPEN311_MAX_IDS)
				return bad(r, "service_request_id",
				           "service_request_id 应为逗号分隔的编号（最多 100 个）");
			memcpy(one, p, len);
			one[len] = 0;
			if (!parse_i64(one, &ids[f.nids]) || ids[f.nids] < 1)
				return bad(r, "service_request_id",
				           "service_request_id 应为正整数");
			f.nids++;
			p = c ? c + 1 : p + len;
			if (c && !*p)
				return bad(r, "service_request_id",
				           "service_request_id 格式不正确");
		}
		f.ids = ids;
	}
	const char *code = req_query(r, "service_code"), *status = req_query(r, "status");
	if (code && !code_ok(code, 40))
		return bad(r, "service_code", "service_code 格式不正确");
	f.service_code = code;
	if (status && strcmp(status, "open") == 0)
		f.status = 1;
	else if (status && strcmp(status, "closed") == 0)
		f.status = 2;
	else if (status && strcmp(status, "open,closed") != 0 &&
	         strcmp(status, "closed,open") != 0 && *status)
		return bad(r, "status", "status 只能是 open 或 closed");
	const char *sd = req_query(r, "start_date"), *ed = req_query(r, "end_date");
	int64_t now = clock_now(), start, end;
	if (ed && !parse_w3c(ed, &end))
		return bad(r, "end_date",
		           "end_date 应为 W3C 日期时间，如 2026-11-27T08:00:00+08:00");
	if (sd && !parse_w3c(sd, &start))
		return bad(r, "start_date",
		           "start_date 应为 W3C 日期时间，如 2026-11-27T08:00:00+08:00");
	/* By default the 90 days up to now (or up to the end date, or from the start date). */
	if (!ed)
		end = sd && start > now ? start + 90 * 86400 : now;
	if (!sd)
		start = end - 90 * 86400;
	if (start > end)
		return bad(r, "start_date", "start_date 不能晚于 end_date");
	f.start = start;
	f.end = end + 1;
	json_t *v;
	if (open311_requests_json(db, &f, &v, &r->err) != XF_OK)
		return r->err.status;
	respond(r, 200, v, "service_requests");
	return XF_OK;
}

int api_open311_request(struct req *r)
{
	struct db *db = reader(r);
	struct open311_filter f = {.ids = &r->params[0], .nids = 1};
	json_t *v;
	if (!db || open311_requests_json(db, &f, &v, &r->err) != XF_OK)
		return r->err.status;
	if (!json_array_size(v)) {
		json_decref(v);
		return xf_fail(&r->err, XF_ENOTFOUND, "not_found", "没有这个诉求");
	}
	respond(r, 200, v, "service_requests");
	return XF_OK;
}

int api_open311_token(struct req *r)
{
	struct db *db = reader(r);
	json_t *v;
	if (!db || open311_token_json(db, r->code ? r->code : "", &v, &r->err) != XF_OK)
		return r->err.status;
	respond(r, 200, v, "service_requests");
	return XF_OK;
}

/* ---- posting a request ---- */

struct post {
	const char *service_code, *description, *address, *address_id, *account_id;
	bool has_geo;
	double lat, lng;
};

/* The form's fields, each bounded; personal ones (name, phone, e-mail, device) are checked
 * and then not kept: an Open311 report is followed by its id or token. */
static const struct {
	const char *name;
	size_t max; /* characters */
} fields[] = {
    {"api_key", 64},    {"jurisdiction_id", 64}, {"service_code", 40}, {"lat", 32},
    {"long", 32},       {"address_string", 200}, {"address_id", 64},   {"email", 254},
    {"device_id", 128}, {"account_id", 64},      {"first_name", 64},   {"last_name", 64},
    {"phone", 32},      {"description", 2000},   {"media_url", 400},
};

static bool number(const char *s, double lo, double hi, double *out)
{
	if (!*s || strlen(s) > 32)
		return false;
	char *end;
	*out = strtod(s, &end);
	return *end == 0 && isfinite(*out) && *out >= lo && *out <= hi;
}

static int check_form(struct req *r, struct post *p)
{
	if (req_form_parse(r) != XF_OK)
		return r->err.status;
	for (size_t i = 0; i < r->nform; i++) {
		const char *k = r->form[i].key, *v = r->form[i].value;
		for (size_t j = 0; j < i; j++)
			if (strcmp(r->form[j].key, k) == 0)
				return xf_fail_field(&r->err, XF_EINVAL, "duplicate_field", k,
				                     "字段 %.40s 重复", k);
		size_t max = 0;
		for (size_t j = 0; j < XF_ARRAY_LEN(fields) && !max; j++)
			if (strcmp(fields[j].name, k) == 0)
				max = fields[j].max;
		if (!max && strncmp(k, "attribute[", 10) == 0 && strlen(k) <= 80 &&
		    k[strlen(k) - 1] == ']')
			max = 200; /* general categories define no attributes: accepted, unused */
		if (!max)
			return xf_fail_field(&r->err, XF_EINVAL, "unknown_field", k,
			                     "不认识的字段：%.40s", k);
		if (utf8_len(v, strlen(v)) > max)
			return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", k,
			                     "字段 %.40s 过长（最多 %zu 个字符）", k, max);
	}
	memset(p, 0, sizeof *p);
	p->service_code = req_form(r, "service_code");
	if (!p->service_code || !code_ok(p->service_code, 40))
		return bad(r, "service_code", "请提供 service_code（服务编码）");
	p->description = req_form(r, "description");
	p->address = req_form(r, "address_string");
	p->address_id = req_form(r, "address_id");
	p->account_id = req_form(r, "account_id");
	const char *lat = req_form(r, "lat"), *lng = req_form(r, "long");
	if ((lat != NULL) != (lng != NULL))
		return bad(r, lat ? "long" : "lat", "lat 和 long 要同时提供");
	if (lat) {
		if (!number(lat, -90, 90, &p->lat))
			return bad(r, "lat", "lat 应为 -90 到 90 之间的数");
		if (!number(lng, -180, 180, &p->lng))
			return bad(r, "long", "long 应为 -180 到 180 之间的数");
		p->has_geo = true;
	}
	if (!p->has_geo && !(p->address && *p->address) && !(p->address_id && *p->address_id))
		return bad(r, "lat", "请提供位置：lat 和 long、address_string 或 address_id 之一");
	const char *phone = req_form(r, "phone"), *media = req_form(r, "media_url");
	if (phone && *phone && strspn(phone, "0123456789+- ") != strlen(phone))
		return bad(r, "phone", "phone 只能包含数字、空格、+ 和 -");
	if (media && *media && strncmp(media, "http://", 7) != 0 &&
	    strncmp(media, "https://", 8) != 0)
		return bad(r, "media_url", "media_url 应为 http:// 或 https:// 开头的网址");
	return XF_OK;
}

static int create_write(struct db *db, struct req *r, struct xf_err *err)
{
	struct post *p = r->write_arg;
	int64_t community = 0, id = 0, due = 0;
	int rc = open311_locate(db, p->address, p->address_id, p->has_geo, p->lat, p->lng,
	                        &community, err);
	if (rc != XF_OK)
		return rc;
	char title[128] = "";
	struct db_stmt *st =
	    db_prep(db, "SELECT name FROM case_categories WHERE code = ? AND active = 1", err);
	if (!st)
		return err->status;
	db_bind_text(st, 1, p->service_code);
	if ((rc = db_step(st, err)) != DB_ROW)
		return rc < 0 ? rc
		              : xf_fail_field(err, XF_EINVAL, "validation_failed", "service_code",
		                              "没有这个服务：%.40s", p->service_code);
	snprintf(title, sizeof title, "%s", db_col_text(st, 0));
	db_reset(st);
	char token[XF_TOKEN_CHARS];
	crypto_token(token);
	struct case_in in = {.category = p->service_code,
	                     .title = title,
	                     .description = p->description ? p->description : "",
	                     .channel = "open311",
	                     .place_id = community,
	                     .source_token_id = r->user.token_id,
	                     .external_source = "open311",
	                     .token = token,
	                     .has_geo = p->has_geo,
	                     .lat = p->lat,
	                     .lng = p->lng,
	                     .now = clock_now()};
	bool existing;
	if ((rc = cases_create(db, &in, &id, &existing, err)) != XF_OK ||
	    (rc = db_int(db, err, &due, "SELECT due_at FROM cases WHERE id = ?", "i", id)) != XF_OK)
		return rc;
	char when[21], notice[160];
	clock_iso(due, when);
	snprintf(notice, sizeof notice, "诉求已登记，将在 %s（UTC）前答复办理结果", when);
	snprintf(r->audit_object, sizeof r->audit_object, "cases/%lld", (long long)id);
	json_t *v = json_pack("[{s:I, s:s, s:s}]", "service_request_id", (json_int_t)id, "token",
	                      token, "service_notice", notice);
	if (p->account_id)
		json_object_set_new(json_array_get(v, 0), "account_id", json_string(p->account_id));
	respond(r, 201, v, "service_requests");
	return XF_OK;
}

int api_open311_request_create(struct req *r)
{
	if (!r->user.is_token)
		return xf_fail(&r->err, XF_EPERM, "forbidden",
		               "Open311 提交须带 open311 范围的 API 密钥（api_key）");
	struct post *p = arena_alloc(r->arena, sizeof *p);
	if (check_form(r, p) != XF_OK)
		return r->err.status;
	return req_write(r, create_write, p);
}
