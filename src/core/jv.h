/* JSON input checked against a declared shape before any handler sees it (kcgi's idea):
 * strict parsing (duplicates rejected), types, required fields, lengths, ranges, and
 * unknown fields refused. The same declarations produce the OpenAPI schemas. */
#ifndef XF_JV_H
#define XF_JV_H

#include "xf.h"
#include <jansson.h>

struct buf;

enum jv_type { JV_STRING, JV_INT, JV_BOOL, JV_OBJECT, JV_ARRAY, JV_NUMBER };

struct jv_field {
	const char *name;
	enum jv_type type;
	bool required;
	int64_t min, max;  /* string: characters; int: value; array: items; 0,0 = no bound */
	const char *label; /* Chinese name used in messages and docs */
};

/* Parse a request body: must be a JSON object, no duplicate keys. *out owned by caller. */
int jv_parse(const char *body, size_t len, json_t **out, struct xf_err *err);
/* Check obj against fields (a NULL-name-terminated array). */
int jv_check(json_t *obj, const struct jv_field *fields, struct xf_err *err);
/* Append a JSON-Schema object for fields to b (for /api/openapi.json). */
void jv_schema(struct buf *b, const struct jv_field *fields);
/* Convenience getters after jv_check; return fallback when absent or null. */
const char *jv_str(json_t *obj, const char *key, const char *fallback);
int64_t jv_int(json_t *obj, const char *key, int64_t fallback);
int jv_bool(json_t *obj, const char *key, int fallback);

#endif
