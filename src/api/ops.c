/* Running an operation (src/auth/actor.h) over HTTP: reads on a reader connection with the
 * query string as a JSON object, writes inside a write job with the checked body; the
 * object id is the route's {id}. Used by the co-building and funds modules, one line per
 * route. */
#include "api.h"
#include "app.h"
#include "../core/clock.h"
#include "../core/str.h"
#include "../store/store.h"

#include <string.h>

/* Query parameters the lists understand; numeric ones become integers. */
static const struct {
	const char *name;
	bool number;
} query_keys[] = {{"status", false}, {"place", true},   {"mine", true},     {"from", true},
                  {"to", true},      {"year", true},    {"org_id", true},   {"quarter", true},
                  {"item_id", true}, {"fund_id", true}, {"venue_id", true}, {"kind", false},
                  {"figure", false}, {"offset", true},  {"limit", true},    {"all", true},
                  {"q", false}};

static int query_json(struct req *r, json_t **out)
{
	json_t *q = json_object();
	for (size_t i = 0; i < XF_ARRAY_LEN(query_keys); i++) {
		const char *v = req_query(r, query_keys[i].name);
		if (!v)
			continue;
		if (!query_keys[i].number) {
			if (strlen(v) > 32) {
				json_decref(q);
				return xf_fail_field(&r->err, XF_EINVAL, "validation_failed",
				                     query_keys[i].name, "参数过长");
			}
			json_object_set_new(q, query_keys[i].name, json_string(v));
			continue;
		}
		int64_t n;
		if (!parse_i64(v, &n) || n < 0) {
			json_decref(q);
			return xf_fail_field(&r->err, XF_EINVAL, "validation_failed",
			                     query_keys[i].name, "%s 应为非负整数",
			                     query_keys[i].name);
		}
		json_object_set_new(q, query_keys[i].name, json_integer(n));
	}
	*out = q;
	return XF_OK;
}

int api_op_read(struct req *r, actor_op op)
{
	struct db *db = store_reader(r->app->store, &r->err);
	json_t *q = NULL, *out;
	if (!db || query_json(r, &q) != XF_OK)
		return r->err.status;
	struct actor a;
	actor_from_user(&r->user, &a);
	int rc = op(db, &a, q, r->nparams ? r->params[0] : 0, clock_now(), &out, &r->err);
	json_decref(q);
	if (rc != XF_OK)
		return rc;
	resp_take_json(r, 200, out);
	return XF_OK;
}

static int op_write_job(struct db *db, struct req *r, struct xf_err *err)
{
	actor_op op = (actor_op)r->write_arg;
	struct actor a;
	actor_from_user(&r->user, &a);
	json_t *out;
	int64_t id = r->nparams ? r->params[0] : 0;
	int rc = op(db, &a, r->json, id, clock_now(), &out, err);
	if (rc != XF_OK)
		return rc;
	snprintf(r->audit_object, sizeof r->audit_object, "%s",
	         r->path + (strncmp(r->path, "/api/", 5) == 0 ? 5 : 0));
	/* Creations answer 201 (their audit action says so: "….create"); the rest 200. */
	const char *act = r->route->audit ? r->route->audit : "";
	size_t n = strlen(act);
	resp_take_json(r, n > 7 && strcmp(act + n - 7, ".create") == 0 ? 201 : 200, out);
	return XF_OK;
}

int api_op_write(struct req *r, actor_op op)
{
	return req_write(r, op_write_job, (void *)op);
}

int api_op_export(struct req *r, actor_op op, const char *name, const char *const *keys,
                  const char *const *labels, size_t ncols)
{
	if (!req_query(r, "format"))
		return api_op_read(r, op);
	struct db *db = store_reader(r->app->store, &r->err);
	json_t *q = NULL, *out;
	if (!db || query_json(r, &q) != XF_OK)
		return r->err.status;
	struct actor a;
	actor_from_user(&r->user, &a);
	int rc = op(db, &a, q, r->nparams ? r->params[0] : 0, clock_now(), &out, &r->err);
	json_decref(q);
	if (rc != XF_OK)
		return rc;
	/* A report's rows are its children; a list's its items. */
	json_t *items = json_object_get(out, "items");
	if (!items)
		items = json_object_get(out, "children");
	items = items ? json_incref(items) : json_array();
	json_decref(out);
	return api_export_items(r, name, items, keys, labels, ncols);
}
