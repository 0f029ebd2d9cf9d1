/* /api/openapi.json, generated from the route table so it cannot drift from the code. */
#include "http.h"

#include <string.h>

static const char *method_lc(enum http_method m)
{
	switch (m) {
	case HTTP_GET:
		return "get";
	case HTTP_POST:
		return "post";
	case HTTP_PUT:
		return "put";
	case HTTP_PATCH:
		return "patch";
	case HTTP_DELETE:
		return "delete";
	default:
		return "get";
	}
}

/* One path parameter per placeholder: {id} and {n} are integers, other names codes. */
static void path_params(struct buf *b, const char *pattern)
{
	buf_puts(b, ",\"parameters\":[");
	bool first = true;
	for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		if (!e)
			break;
		bool numeric = strncmp(p, "{id}", 4) == 0 || strncmp(p, "{n}", 3) == 0;
		buf_printf(b,
		           "%s{\"name\":\"%.*s\",\"in\":\"path\",\"required\":true,"
		           "\"schema\":{\"type\":\"%s\"}}",
		           first ? "" : ",", (int)(e - p - 1), p + 1,
		           numeric ? "integer" : "string");
		first = false;
	}
	buf_putc(b, ']');
}

void http_openapi(struct buf *b)
{
	buf_puts(
	    b, "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"xingfu 幸福城区 API\",\"version\":\"");
	buf_puts(b, XF_VERSION);
	buf_puts(b, "\"},\"components\":{\"securitySchemes\":{\"session\":{\"type\":\"apiKey\","
	            "\"in\":\"cookie\",\"name\":\"xf_session\"},\"bearer\":{\"type\":\"http\","
	            "\"scheme\":\"bearer\"}},\"schemas\":{\"Error\":{"
	            "\"type\":\"object\",\"properties\":{\"error\":{\"type\":\"object\","
	            "\"properties\":{\"code\":{\"type\":\"string\"},\"message\":{\"type\":"
	            "\"string\"},\"field\":{\"type\":\"string\"}},\"required\":[\"code\","
	            "\"message\"]}}}}},\"paths\":{");
	/* Group rows by path, keeping table order. */
	for (size_t i = 0; i < http_nroutes; i++) {
		const struct route *rt = &http_routes[i];
		bool seen = false;
		for (size_t k = 0; k < i; k++)
			if (strcmp(http_routes[k].pattern, rt->pattern) == 0)
				seen = true;
		if (seen)
			continue;
		if (i)
			buf_putc(b, ',');
		buf_json_str(b, rt->pattern);
		buf_puts(b, ":{");
		bool first = true;
		for (size_t k = i; k < http_nroutes; k++) {
			const struct route *r2 = &http_routes[k];
			if (strcmp(r2->pattern, rt->pattern) != 0)
				continue;
			if (!first)
				buf_putc(b, ',');
			first = false;
			buf_printf(b, "\"%s\":{\"summary\":", method_lc(r2->method));
			buf_json_str(b, r2->summary ? r2->summary : "");
			buf_printf(b, ",\"tags\":[\"%s\"],\"x-permission\":\"%s\",\"x-csrf\":%s",
			           r2->tag ? r2->tag : "misc", r2->perm,
			           r2->csrf ? "true" : "false");
			if (r2->audit)
				buf_printf(b, ",\"x-audit\":\"%s\"", r2->audit);
			if (strcmp(r2->perm, PERM_LOCAL) == 0)
				buf_puts(b, ",\"security\":[{},{\"bearer\":[]}]");
			else if (strcmp(r2->perm, PERM_PUBLIC) != 0 &&
			         strcmp(r2->perm, PERM_TEST) != 0)
				buf_printf(b, ",\"security\":[{\"session\":[]}%s]",
				           r2->token_scope ? ",{\"bearer\":[]}" : "");
			if (r2->token_scope)
				buf_printf(b, ",\"x-token-scope\":\"%s\"", r2->token_scope);
			if (strchr(r2->pattern, '{'))
				path_params(b, r2->pattern);
			if (r2->body) {
				buf_printf(
				    b,
				    ",\"x-max-body-bytes\":%zu,\"requestBody\":{\"required\":"
				    "true,\"content\":{\"application/json\":{\"schema\":",
				    r2->max_body);
				jv_schema(b, r2->body);
				buf_puts(b, "}}}");
			}
			buf_puts(b, ",\"responses\":{\"200\":{\"description\":\"OK\"},\"default\":"
			            "{\"description\":\"错误\",\"content\":{\"application/json\":"
			            "{\"schema\":{\"$ref\":\"#/components/schemas/Error\"}}}}}}");
		}
		buf_putc(b, '}');
	}
	buf_puts(b, "}}");
}
