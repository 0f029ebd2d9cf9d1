#include "jv.h"
#include "buf.h"
#include "str.h"

#include <string.h>

int jv_parse(const char *body, size_t len, json_t **out, struct xf_err *err)
{
	json_error_t je;
	*out = NULL;
	if (len == 0)
		return xf_fail(err, XF_EINVAL, "invalid_json", "请求体为空，需要 JSON 对象");
	if (!utf8_valid(body, len))
		return xf_fail(err, XF_EINVAL, "invalid_utf8", "请求体不是有效的 UTF-8 文本");
	json_t *v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		if (strstr(je.text, "duplicate"))
			return xf_fail(err, XF_EINVAL, "duplicate_key",
			               "JSON 中有重复的字段（第 %d 行第 %d 列）", je.line,
			               je.column);
		return xf_fail(err, XF_EINVAL, "invalid_json",
		               "请求体不是有效的 JSON（第 %d 行第 %d 列）", je.line, je.column);
	}
	if (!json_is_object(v)) {
		json_decref(v);
		return xf_fail(err, XF_EINVAL, "invalid_json", "请求体必须是 JSON 对象");
	}
	*out = v;
	return XF_OK;
}

static const char *type_label(enum jv_type t)
{
	switch (t) {
	case JV_STRING:
		return "字符串";
	case JV_INT:
		return "整数";
	case JV_BOOL:
		return "布尔值";
	case JV_OBJECT:
		return "对象";
	case JV_ARRAY:
		return "数组";
	case JV_NUMBER:
		return "数字";
	}
	return "?";
}

static bool type_ok(json_t *v, enum jv_type t)
{
	switch (t) {
	case JV_STRING:
		return json_is_string(v);
	case JV_INT:
		return json_is_integer(v);
	case JV_BOOL:
		return json_is_boolean(v);
	case JV_OBJECT:
		return json_is_object(v);
	case JV_ARRAY:
		return json_is_array(v);
	case JV_NUMBER:
		return json_is_number(v);
	}
	return false;
}

int jv_check(json_t *obj, const struct jv_field *fields, struct xf_err *err)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		const struct jv_field *f = fields;
		while (f->name && strcmp(f->name, key) != 0)
			f++;
		if (!f->name)
			return xf_fail_field(err, XF_EINVAL, "unknown_field", key,
			                     "不认识的字段：%s", key);
	}
	for (const struct jv_field *f = fields; f->name; f++) {
		const char *label = f->label ? f->label : f->name;
		v = json_object_get(obj, f->name);
		if (!v || json_is_null(v)) {
			if (f->required)
				return xf_fail_field(err, XF_EINVAL, "missing_field", f->name,
				                     "缺少必填项：%s", label);
			continue;
		}
		if (!type_ok(v, f->type))
			return xf_fail_field(err, XF_EINVAL, "wrong_type", f->name, "%s 应为%s",
			                     label, type_label(f->type));
		if (f->min == 0 && f->max == 0)
			continue;
		int64_t n;
		const char *what;
		switch (f->type) {
		case JV_STRING:
			n = (int64_t)utf8_len(json_string_value(v), json_string_length(v));
			what = "长度";
			break;
		case JV_INT:
			n = json_integer_value(v);
			what = "取值";
			break;
		case JV_ARRAY:
			n = (int64_t)json_array_size(v);
			what = "条目数";
			break;
		default:
			continue;
		}
		if (n < f->min || n > f->max)
			return xf_fail_field(err, XF_EINVAL, "out_of_range", f->name,
			                     "%s的%s应在 %lld 到 %lld 之间", label, what,
			                     (long long)f->min, (long long)f->max);
	}
	return XF_OK;
}

void jv_schema(struct buf *b, const struct jv_field *fields)
{
	static const char *names[] = {"string", "integer", "boolean", "object", "array", "number"};
	buf_puts(b, "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{");
	int first = 1;
	for (const struct jv_field *f = fields; f->name; f++) {
		if (!first)
			buf_putc(b, ',');
		first = 0;
		buf_json_str(b, f->name);
		buf_printf(b, ":{\"type\":\"%s\"", names[f->type]);
		if (f->label) {
			buf_puts(b, ",\"description\":");
			buf_json_str(b, f->label);
		}
		if (f->min || f->max) {
			const char *lo = f->type == JV_STRING  ? "minLength"
			                 : f->type == JV_ARRAY ? "minItems"
			                                       : "minimum";
			const char *hi = f->type == JV_STRING  ? "maxLength"
			                 : f->type == JV_ARRAY ? "maxItems"
			                                       : "maximum";
			buf_printf(b, ",\"%s\":%lld,\"%s\":%lld", lo, (long long)f->min, hi,
			           (long long)f->max);
		}
		buf_putc(b, '}');
	}
	buf_puts(b, "},\"required\":[");
	first = 1;
	for (const struct jv_field *f = fields; f->name; f++) {
		if (!f->required)
			continue;
		if (!first)
			buf_putc(b, ',');
		first = 0;
		buf_json_str(b, f->name);
	}
	buf_puts(b, "]}");
}

const char *jv_str(json_t *obj, const char *key, const char *fallback)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : fallback;
}

int64_t jv_int(json_t *obj, const char *key, int64_t fallback)
{
	json_t *v = json_object_get(obj, key);
	return json_is_integer(v) ? json_integer_value(v) : fallback;
}

int jv_bool(json_t *obj, const char *key, int fallback)
{
	json_t *v = json_object_get(obj, key);
	return json_is_boolean(v) ? json_is_true(v) : fallback;
}
