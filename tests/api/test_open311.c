/* Open311 GeoReport v2 on the demo city: every endpoint in JSON and XML against the field
 * lists of REFERENCE.md, keys (none, bad, wrong scope, a person's session: 403 and nothing
 * written), placing by address and by coordinates, refusing outside the city, tokens, the
 * filters, and the public view carrying no personal data. */
#include "../support/testlib.h"
#include "cases/cases.h"
#include "core/clock.h"

#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct tserver T;
static char admin[512], shequ[512], jumin[512];
static char key[96], key12345[96];
static int64_t key_id;

/* The field lists of REFERENCE.md, "Open311 GeoReport v2". */
static const char *const DISCOVERY[] = {"changeset", "contact", "key_service", "endpoints", NULL};
static const char *const ENDPOINT[] = {"specification", "url",     "changeset",
                                       "type",          "formats", NULL};
static const char *const SERVICE[] = {"service_code", "service_name", "description", "metadata",
                                      "type",         "keywords",     "group",       NULL};
static const char *const DEFINITION[] = {"service_code", "attributes", NULL};
static const char *const REQUEST[] = {"service_request_id",
                                      "status",
                                      "status_notes",
                                      "service_name",
                                      "service_code",
                                      "description",
                                      "agency_responsible",
                                      "service_notice",
                                      "requested_datetime",
                                      "updated_datetime",
                                      "expected_datetime",
                                      "address",
                                      "address_id",
                                      "zipcode",
                                      "lat",
                                      "long",
                                      "media_url",
                                      NULL};
static const char *const POSTED[] = {"service_request_id", "token", "service_notice", "account_id",
                                     NULL};
static const char *const TOKEN[] = {"service_request_id", "token", NULL};
static const char *const ERROR[] = {"code", "description", NULL};

#define SQL_INT(sql, ...)                                                                          \
	(__extension__({                                                                           \
		struct xf_err e_;                                                                  \
		int64_t v_ = -1;                                                                   \
		assert_int_equal(                                                                  \
		    db_int(store_reader(T.app.store, &e_), &e_, &v_, sql, __VA_ARGS__), XF_OK);    \
		v_;                                                                                \
	}))

/* ---- a small DOM over expat, enough to check element names and text ---- */

struct node {
	char name[64];
	struct buf text;
	struct node *kids[2048];
	int nkids;
	struct node *parent;
};

struct dom {
	struct node *root, *cur;
};

static void on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct dom *d = ud;
	struct node *n = xcalloc(1, sizeof *n);
	snprintf(n->name, sizeof n->name, "%s", name);
	buf_init(&n->text);
	n->parent = d->cur;
	if (d->cur) {
		assert_true(d->cur->nkids < 2048);
		d->cur->kids[d->cur->nkids++] = n;
	} else {
		d->root = n;
	}
	d->cur = n;
}

static void on_end(void *ud, const XML_Char *name)
{
	struct dom *d = ud;
	d->cur = d->cur->parent;
}

static void on_text(void *ud, const XML_Char *s, int len)
{
	struct dom *d = ud;
	if (d->cur)
		buf_append(&d->cur->text, s, (size_t)len);
}

static struct node *xml_parse(const char *s)
{
	struct dom d = {0};
	XML_Parser p = XML_ParserCreate("UTF-8");
	XML_SetUserData(p, &d);
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_text);
	if (XML_Parse(p, s, (int)strlen(s), 1) != XML_STATUS_OK)
		fail_msg("bad XML (%s): %s", XML_ErrorString(XML_GetErrorCode(p)), s);
	XML_ParserFree(p);
	assert_non_null(d.root);
	return d.root;
}

static void node_free(struct node *n)
{
	for (int i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	buf_free(&n->text);
	free(n);
}

static struct node *kid(struct node *n, const char *name)
{
	for (int i = 0; i < n->nkids; i++)
		if (strcmp(n->kids[i]->name, name) == 0)
			return n->kids[i];
	return NULL;
}

static const char *text(struct node *n)
{
	return n && n->text.data ? n->text.data : "";
}

static bool listed(const char *const *names, const char *k)
{
	for (; *names; names++)
		if (strcmp(*names, k) == 0)
			return true;
	return false;
}

/* Exactly the listed fields (optional ones may be absent). */
static void xml_fields(struct node *n, const char *const *want, const char *optional)
{
	for (int i = 0; i < n->nkids; i++)
		if (!listed(want, n->kids[i]->name))
			fail_msg("<%s> has <%s>, not in the field list", n->name, n->kids[i]->name);
	for (const char *const *w = want; *w; w++)
		if (!kid(n, *w) && !(optional && strstr(optional, *w)))
			fail_msg("<%s> lacks <%s>", n->name, *w);
}

static void json_fields(json_t *o, const char *const *want, const char *optional)
{
	assert_true(json_is_object(o));
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) if (!listed(want, k))
	    fail_msg("field %s is not in the list", k);
	for (const char *const *w = want; *w; w++)
		if (!json_object_get(o, *w) && !(optional && strstr(optional, *w)))
			fail_msg("field %s is missing", *w);
}

/* ---- requests ---- */

static void get(const char *path, int status, struct hresp *r)
{
	assert_int_equal(http_req(T.port, "GET", path, NULL, NULL, r), 0);
	if (r->status != status)
		fail_msg("GET %s: %d %s", path, r->status, r->body);
}

static void head_has(const struct hresp *r, const char *name, const char *value)
{
	char v[256];
	assert_non_null(hr_header(r, name, v, sizeof v));
	if (!strstr(v, value))
		fail_msg("%s: %s, wanted %s", name, v, value);
}

/* POST a form; hdrs may add a session. */
static void post_form(const char *path, const char *hdrs, const char *form, int status,
                      struct hresp *r)
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b,
	           "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%sContent-Type: "
	           "application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n%s",
	           path, hdrs ? hdrs : "", strlen(form), form);
	assert_int_equal(http_raw(T.port, b.data, b.len, r), 0);
	buf_free(&b);
	if (r->status != status)
		fail_msg("POST %s %s: %d %s", path, form, r->status, r->body);
}

static int64_t ncases(void)
{
	return SQL_INT("SELECT count(*) FROM cases", "");
}

static void make_token(const char *scope, char *out, size_t n, int64_t *id)
{
	char body[128];
	struct hresp r;
	snprintf(body, sizeof body, "{\"name\":\"Open311 %s\",\"scope\":\"%s\"}", scope, scope);
	assert_int_equal(http_req(T.port, "POST", "/api/tokens", admin, body, &r), 0);
	assert_int_equal(r.status, 201);
	snprintf(out, n, "%s", json_string_value(json_object_get(r.json, "token")));
	if (id)
		*id = json_integer_value(json_object_get(r.json, "id"));
	hr_free(&r);
}

static int setup(void **state)
{
	ts_start(&T);
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	ts_login(&T, "jumin", DEMO_PW, jumin, sizeof jumin);
	make_token("open311", key, sizeof key, &key_id);
	make_token("12345", key12345, sizeof key12345, NULL);
	return 0;
}

static int teardown(void **state)
{
	ts_stop(&T);
	return 0;
}

/* A community with a centroid, its name and coordinates. */
struct community {
	int64_t id;
	char name[128];
	double lat, lng;
};

static void community(int nth, struct community *c)
{
	struct xf_err e;
	struct db *db = store_reader(T.app.store, &e);
	struct db_stmt *st =
	    db_prep(db,
	            "SELECT id, name, lat, lng FROM places WHERE kind = 'community'"
	            " AND lat IS NOT NULL ORDER BY id LIMIT 1 OFFSET ?",
	            &e);
	assert_non_null(st);
	db_bind_int(st, 1, nth);
	assert_int_equal(db_step(st, &e), DB_ROW);
	c->id = db_col_int(st, 0);
	snprintf(c->name, sizeof c->name, "%s", db_col_text(st, 1));
	c->lat = strtod(db_col_text(st, 2), NULL);
	c->lng = strtod(db_col_text(st, 3), NULL);
	db_reset(st);
}

static int64_t post_ok(const char *form, const char *ext, char *token_out)
{
	char path[64], full[1024];
	struct hresp r;
	snprintf(path, sizeof path, "/open311/v2/requests.%s", ext);
	snprintf(full, sizeof full, "api_key=%s&%s", key, form);
	post_form(path, NULL, full, 201, &r);
	int64_t id;
	if (strcmp(ext, "xml") == 0) {
		struct node *root = xml_parse(r.body);
		assert_string_equal(root->name, "service_requests");
		assert_int_equal(root->nkids, 1);
		xml_fields(root->kids[0], POSTED, "account_id");
		id = strtoll(text(kid(root->kids[0], "service_request_id")), NULL, 10);
		if (token_out)
			strcpy(token_out, text(kid(root->kids[0], "token")));
		node_free(root);
	} else {
		assert_true(json_is_array(r.json));
		assert_int_equal(json_array_size(r.json), 1);
		json_t *o = json_array_get(r.json, 0);
		json_fields(o, POSTED, "account_id");
		id = json_integer_value(json_object_get(o, "service_request_id"));
		if (token_out)
			strcpy(token_out, json_string_value(json_object_get(o, "token")));
	}
	head_has(&r, "Content-Type", strcmp(ext, "xml") == 0 ? "text/xml" : "application/json");
	hr_free(&r);
	assert_true(id > 0);
	return id;
}

/* ---- tests ---- */

static void test_discovery_and_services_match_the_field_lists_in_both_formats(void **state)
{
	struct hresp r;
	get("/open311/v2/discovery.json", 200, &r);
	json_fields(r.json, DISCOVERY, NULL);
	json_t *ep = json_array_get(json_object_get(r.json, "endpoints"), 0);
	json_fields(ep, ENDPOINT, NULL);
	assert_string_equal(json_string_value(json_object_get(ep, "specification")),
	                    "http://wiki.open311.org/GeoReport_v2");
	assert_non_null(strstr(r.body, "text/xml"));
	hr_free(&r);
	get("/open311/v2/discovery.xml", 200, &r);
	head_has(&r, "Content-Type", "text/xml");
	struct node *root = xml_parse(r.body);
	assert_string_equal(root->name, "discovery");
	xml_fields(root, DISCOVERY, NULL);
	struct node *e = kid(kid(root, "endpoints"), "endpoint");
	assert_non_null(e);
	xml_fields(e, ENDPOINT, NULL);
	assert_int_equal(kid(e, "formats")->nkids, 2);
	assert_string_equal(kid(e, "formats")->kids[0]->name, "format");
	node_free(root);
	hr_free(&r);

	/* Services are the active categories. */
	int64_t active = SQL_INT("SELECT count(*) FROM case_categories WHERE active = 1", "");
	get("/open311/v2/services.json", 200, &r);
	assert_int_equal((int64_t)json_array_size(r.json), active);
	json_t *s;
	size_t i;
	bool saw = false;
	json_array_foreach(r.json, i, s)
	{
		json_fields(s, SERVICE, NULL);
		assert_true(json_is_boolean(json_object_get(s, "metadata")));
		saw |= strcmp(json_string_value(json_object_get(s, "service_code")),
		              "sanitation") == 0;
	}
	assert_true(saw);
	hr_free(&r);
	get("/open311/v2/services.xml", 200, &r);
	root = xml_parse(r.body);
	assert_string_equal(root->name, "services");
	assert_int_equal(root->nkids, (int)active);
	for (int k = 0; k < root->nkids; k++) {
		assert_string_equal(root->kids[k]->name, "service");
		xml_fields(root->kids[k], SERVICE, NULL);
	}
	node_free(root);
	hr_free(&r);

	get("/open311/v2/services/sanitation.json", 200, &r);
	json_fields(r.json, DEFINITION, NULL);
	assert_string_equal(json_string_value(json_object_get(r.json, "service_code")),
	                    "sanitation");
	assert_int_equal(json_array_size(json_object_get(r.json, "attributes")), 0);
	hr_free(&r);
	get("/open311/v2/services/sanitation.xml", 200, &r);
	root = xml_parse(r.body);
	assert_string_equal(root->name, "service_definition");
	xml_fields(root, DEFINITION, NULL);
	assert_string_equal(text(kid(root, "service_code")), "sanitation");
	node_free(root);
	hr_free(&r);

	/* An unknown service: 404 as [{code, description}], in the asked format. */
	get("/open311/v2/services/no_such_thing.json", 404, &r);
	assert_true(json_is_array(r.json));
	json_fields(json_array_get(r.json, 0), ERROR, NULL);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(r.json, 0), "code")),
	                 404);
	hr_free(&r);
	get("/open311/v2/services/no_such_thing.xml", 404, &r);
	root = xml_parse(r.body);
	assert_string_equal(root->name, "errors");
	assert_string_equal(root->kids[0]->name, "error");
	xml_fields(root->kids[0], ERROR, NULL);
	assert_string_equal(text(kid(root->kids[0], "code")), "404");
	node_free(root);
	hr_free(&r);
	/* Paths the interface does not have are Open311 errors too, never the UI. */
	get("/open311/v2/nothing.json", 404, &r);
	assert_true(json_is_array(r.json));
	hr_free(&r);
	get("/open311/v2/services/bad%20code.json", 404, &r);
	hr_free(&r);
}

static void test_posting_without_a_valid_open311_key_is_403_and_writes_nothing(void **state)
{
	struct hresp r;
	int64_t before = ncases(),
	        audits = SQL_INT("SELECT count(*) FROM audit_log WHERE outcome = 'denied'", "");
	const char *form = "service_code=sanitation&address_string=%E5%A4%A7%E6%99%BA%E8%B7%AF"
	                   "%E7%A4%BE%E5%8C%BA&description=x";
	post_form("/open311/v2/requests.json", NULL, form, 403, &r);
	json_fields(json_array_get(r.json, 0), ERROR, NULL);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(r.json, 0), "code")),
	                 403);
	hr_free(&r);
	post_form("/open311/v2/requests.xml", NULL, form, 403, &r);
	struct node *root = xml_parse(r.body);
	assert_string_equal(root->name, "errors");
	assert_string_equal(text(kid(root->kids[0], "code")), "403");
	node_free(root);
	hr_free(&r);
	char full[512];
	snprintf(full, sizeof full, "api_key=xf_not-a-real-key-at-all&%s", form);
	post_form("/open311/v2/requests.json", NULL, full, 403, &r);
	hr_free(&r);
	/* A 12345 token is the wrong scope; in the query string it is the same. */
	snprintf(full, sizeof full, "api_key=%s&%s", key12345, form);
	post_form("/open311/v2/requests.json", NULL, full, 403, &r);
	hr_free(&r);
	char path[256];
	snprintf(path, sizeof path, "/open311/v2/requests.json?api_key=%s", key12345);
	post_form(path, NULL, form, 403, &r);
	hr_free(&r);
	/* People with sessions cannot post as Open311 clients. */
	post_form("/open311/v2/requests.json", shequ, form, 403, &r);
	hr_free(&r);
	assert_int_equal(ncases(), before);
	/* Refusals are audited (asynchronously). */
	for (int i = 0; i < 200 && SQL_INT("SELECT count(*) FROM audit_log WHERE outcome ="
	                                   " 'denied'",
	                                   "") <= audits;
	     i++)
		usleep(10000);
	assert_true(SQL_INT("SELECT count(*) FROM audit_log WHERE outcome = 'denied'", "") >
	            audits);
	/* The right key in the query string works as well as in the form. */
	snprintf(path, sizeof path, "/open311/v2/requests.json?api_key=%s", key);
	post_form(path, NULL, form, 201, &r);
	hr_free(&r);
	assert_int_equal(ncases(), before + 1);
}

static void test_bad_forms_are_400_and_write_nothing(void **state)
{
	struct hresp r;
	int64_t before = ncases();
	const char *bad[] = {
	    "service_code=sanitation",                                  /* no location */
	    "service_code=no_such&lat=30.18&long=115.01",               /* unknown service */
	    "service_code=sanitation&lat=30.18",                        /* half a position */
	    "service_code=sanitation&lat=abc&long=115.01",              /* not a number */
	    "service_code=sanitation&lat=30.18&long=115.01&colour=red", /* unknown field */
	    "service_code=sanitation&lat=30.18&long=115.01&lat=30.19",  /* duplicate */
	    "service_code=sanitation&address_string=%E4%B8%8D%E5%AD%98%E5%9C%A8", /* no match */
	    "service_code=sanitation&lat=30.18&long=115.01&description=%ZZ",      /* bad escape */
	    "service_code=sanitation&lat=30.18&long=115.01&phone=call-me<b>",     /* bad phone */
	};
	char qpath[256];
	snprintf(qpath, sizeof qpath, "/open311/v2/requests.json?api_key=%s", key);
	for (size_t i = 0; i < XF_ARRAY_LEN(bad); i++) {
		post_form(qpath, NULL, bad[i], 400, &r);
		json_fields(json_array_get(r.json, 0), ERROR, NULL);
		hr_free(&r);
	}
	/* A JSON body instead of a form. */
	char path[256];
	snprintf(path, sizeof path, "/open311/v2/requests.json?api_key=%s", key);
	assert_int_equal(
	    http_req(T.port, "POST", path, NULL, "{\"service_code\":\"sanitation\"}", &r), 0);
	assert_int_equal(r.status, 400);
	hr_free(&r);
	/* A description over 2,000 characters. */
	struct buf b;
	buf_init(&b);
	buf_printf(&b,
	           "api_key=%s&service_code=sanitation&lat=30.18&long=115.01&description=", key);
	for (int i = 0; i < 2001; i++)
		buf_puts(&b, "x");
	post_form("/open311/v2/requests.json", NULL, b.data, 400, &r);
	hr_free(&r);
	buf_free(&b);
	assert_int_equal(ncases(), before);
}

static void test_address_string_places_the_request_at_that_community(void **state)
{
	struct community c;
	community(1, &c);
	char form[512], enc[400];
	/* URL-encode the community's name inside a fuller address. */
	char addr[256];
	snprintf(addr, sizeof addr, "黄石市%s3栋2单元门口", c.name);
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)addr; *p && o + 4 < sizeof enc; p++)
		o += (size_t)snprintf(enc + o, sizeof enc - o, "%%%02X", *p);
	snprintf(form, sizeof form,
	         "service_code=road_light&address_string=%s&description=%%E8%%B7%%AF%%E7%%81%%AF"
	         "%%E4%%B8%%8D%%E4%%BA%%AE&first_name=Li&last_name=Lei&phone=13800001234"
	         "&email=li%%40example.com&account_id=acc-7",
	         enc);
	char token[64];
	int64_t id = post_ok(form, "json", token);
	assert_int_equal(SQL_INT("SELECT place_id FROM cases WHERE id = ?", "i", id), c.id);
	assert_int_equal(SQL_INT("SELECT community_id FROM cases WHERE id = ?", "i", id), c.id);
	assert_int_equal(SQL_INT("SELECT count(*) FROM cases WHERE id = ? AND channel = 'open311'"
	                         " AND external_source = 'open311' AND token = ? AND"
	                         " source_token_id = ? AND category = 'road_light'",
	                         "iti", id, token, key_id),
	                 1);
	/* The reporter's name, phone and e-mail are not kept anywhere in the case. */
	assert_int_equal(SQL_INT("SELECT count(*) FROM cases WHERE id = ? AND (description LIKE"
	                         " '%13800001234%' OR title LIKE '%Lei%')",
	                         "i", id),
	                 0);
	assert_int_equal(SQL_INT("SELECT count(*) FROM case_events WHERE case_id = ? AND (detail"
	                         " LIKE '%13800001234%' OR detail LIKE '%example.com%')",
	                         "i", id),
	                 0);
	/* tokens/{token} gives the id back, in both formats. */
	char path[160];
	struct hresp r;
	snprintf(path, sizeof path, "/open311/v2/tokens/%s.json", token);
	get(path, 200, &r);
	json_fields(json_array_get(r.json, 0), TOKEN, NULL);
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(r.json, 0), "service_request_id")),
	    id);
	hr_free(&r);
	snprintf(path, sizeof path, "/open311/v2/tokens/%s.xml", token);
	get(path, 200, &r);
	struct node *root = xml_parse(r.body);
	assert_string_equal(root->name, "service_requests");
	xml_fields(root->kids[0], TOKEN, NULL);
	assert_int_equal(strtoll(text(kid(root->kids[0], "service_request_id")), NULL, 10), id);
	node_free(root);
	hr_free(&r);
	get("/open311/v2/tokens/no-such-token.json", 404, &r);
	hr_free(&r);
	/* The XML form of the answer. */
	int64_t id2 = post_ok(form, "xml", NULL);
	assert_int_equal(SQL_INT("SELECT place_id FROM cases WHERE id = ?", "i", id2), c.id);
}

static void test_coordinates_place_the_request_at_the_nearest_community(void **state)
{
	struct community c;
	community(2, &c);
	char form[256];
	/* A few metres off the centroid. */
	snprintf(form, sizeof form, "service_code=sanitation&lat=%.6f&long=%.6f", c.lat + 0.0003,
	         c.lng - 0.0002);
	int64_t id = post_ok(form, "json", NULL);
	int64_t placed = SQL_INT("SELECT place_id FROM cases WHERE id = ?", "i", id);
	/* That community, or one sharing its centroid exactly. */
	assert_int_equal(SQL_INT("SELECT count(*) FROM places a JOIN places b ON a.lat = b.lat AND"
	                         " a.lng = b.lng WHERE a.id = ? AND b.id = ?",
	                         "ii", placed, c.id),
	                 1);
	/* The exact coordinates are kept for staff. */
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM cases WHERE id = ? AND lat IS NOT NULL", "i", id), 1);
	/* An address naming no community falls back to the coordinates. */
	snprintf(form, sizeof form,
	         "service_code=sanitation&lat=%.6f&long=%.6f&address_string=somewhere", c.lat,
	         c.lng);
	id = post_ok(form, "json", NULL);
	assert_int_equal(SQL_INT("SELECT count(*) FROM places a JOIN places b ON a.lat = b.lat AND"
	                         " a.lng = b.lng WHERE a.id = (SELECT place_id FROM cases WHERE id"
	                         " = ?) AND b.id = ?",
	                         "ii", id, c.id),
	                 1);
}

static void test_outside_the_city_is_400_and_writes_nothing(void **state)
{
	struct hresp r;
	int64_t before = ncases();
	char full[256];
	/* Beijing; then just past the box's edge; an address does not rescue it. */
	snprintf(full, sizeof full, "api_key=%s&service_code=sanitation&lat=39.9042&long=116.4074",
	         key);
	post_form("/open311/v2/requests.json", NULL, full, 400, &r);
	assert_non_null(strstr(r.body, "outside_city"));
	hr_free(&r);
	post_form("/open311/v2/requests.xml", NULL, full, 400, &r);
	struct node *root = xml_parse(r.body);
	assert_string_equal(text(kid(root->kids[0], "code")), "400");
	assert_non_null(strstr(text(kid(root->kids[0], "description")), "outside_city"));
	node_free(root);
	hr_free(&r);
	double hi = -90;
	for (int i = 0;; i++) {
		struct xf_err e;
		int64_t n = 0;
		db_int(store_reader(T.app.store, &e), &e, &n,
		       "SELECT count(*) FROM places WHERE kind = 'community' AND lat IS NOT NULL",
		       "");
		if (i >= n)
			break;
		struct community c;
		community(i, &c);
		hi = fmax(hi, c.lat);
	}
	snprintf(full, sizeof full,
	         "api_key=%s&service_code=sanitation&lat=%.4f&long=115.01&address_string=x", key,
	         hi + 0.06);
	post_form("/open311/v2/requests.json", NULL, full, 400, &r);
	hr_free(&r);
	assert_int_equal(ncases(), before);
}

static int public_fn(struct db *db, void *arg, struct xf_err *err)
{
	return db_run(db, err, "UPDATE cases SET public = 1 WHERE id = ?", "i", *(int64_t *)arg);
}

/* What staff decide (there is no action for it yet): the case may be shown in public. */
static void set_public(int64_t id)
{
	struct xf_err e;
	assert_int_equal(store_write(T.app.store, public_fn, &id, &e), XF_OK);
}

static void check_request(json_t *o, int64_t id)
{
	json_fields(o, REQUEST, NULL);
	assert_int_equal(json_integer_value(json_object_get(o, "service_request_id")), id);
}

static void test_the_public_view_has_the_fields_and_no_personal_data(void **state)
{
	/* A resident of a household in 大智路社区 reports through the secretary (on her behalf);
	 * the public view must show neither her nor her household, building or grid. */
	struct hresp r;
	int64_t person = SQL_INT(
	    "SELECT min(p.id) FROM people p JOIN places h ON h.id = p.place_id JOIN places c ON"
	    " c.code = '420203009002' WHERE h.kind = 'household' AND substr(h.path, 1,"
	    " length(c.path)) = c.path",
	    "");
	char body[256];
	snprintf(body, sizeof body,
	         "{\"category\":\"sanitation\",\"title\":\"楼道堆物\",\"description\":"
	         "\"我家门口堆了杂物，电话联系我\",\"on_behalf_of\":%lld}",
	         (long long)person);
	assert_int_equal(http_req(T.port, "POST", "/api/cases", shequ, body, &r), 0);
	assert_int_equal(r.status, 201);
	int64_t id = json_integer_value(json_object_get(r.json, "id"));
	hr_free(&r);
	char name[128], phone_mask[64], household[128], building[128], grid[128],
	    community_name[128];
	struct xf_err e;
	struct db *db = store_reader(T.app.store, &e);
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT p.name, p.phone_mask, h.name, b.name, g.name, cm.name, cm.lat, cm.lng FROM"
	    " cases c JOIN people p ON p.id = c.reporter_person_id JOIN places h ON h.id ="
	    " c.place_id JOIN places b ON b.id = h.parent_id JOIN places g ON g.id = b.parent_id"
	    " JOIN places cm ON cm.id = c.community_id WHERE c.id = ? AND h.kind = 'household'"
	    " AND b.kind = 'building' AND g.kind = 'grid'",
	    &e);
	assert_non_null(st);
	db_bind_int(st, 1, id);
	assert_int_equal(db_step(st, &e), DB_ROW);
	snprintf(name, sizeof name, "%s", db_col_text(st, 0));
	snprintf(phone_mask, sizeof phone_mask, "%s", db_col_text(st, 1));
	snprintf(household, sizeof household, "%s", db_col_text(st, 2));
	snprintf(building, sizeof building, "%s", db_col_text(st, 3));
	snprintf(grid, sizeof grid, "%s", db_col_text(st, 4));
	snprintf(community_name, sizeof community_name, "%s", db_col_text(st, 5));
	double clat = strtod(db_col_text(st, 6), NULL), clng = strtod(db_col_text(st, 7), NULL);
	db_reset(st);
	assert_true(*name && *household && *building && *grid && *community_name);

	const char *paths[] = {"/open311/v2/requests/%ID.json",
	                       "/open311/v2/requests/%ID.xml",
	                       "/open311/v2/requests.json?service_request_id=%ID",
	                       "/open311/v2/requests.xml?service_request_id=%ID",
	                       "/open311/v2/requests.json",
	                       "/open311/v2/requests.xml"};
	for (size_t i = 0; i < XF_ARRAY_LEN(paths); i++) {
		char path[160];
		const char *at = strstr(paths[i], "%ID");
		if (at)
			snprintf(path, sizeof path, "%.*s%lld%s", (int)(at - paths[i]), paths[i],
			         (long long)id, at + 3);
		else
			snprintf(path, sizeof path, "%s", paths[i]);
		get(path, 200, &r);
		assert_null(strstr(r.body, name));
		assert_null(strstr(r.body, household));
		assert_null(strstr(r.body, building));
		assert_null(strstr(r.body, grid));
		if (*phone_mask)
			assert_null(strstr(r.body, phone_mask));
		assert_null(strstr(r.body, "电话联系我")); /* not public: no description */
		assert_non_null(strstr(r.body, community_name));
		hr_free(&r);
	}
	char path[160];
	snprintf(path, sizeof path, "/open311/v2/requests/%lld.json", (long long)id);
	get(path, 200, &r);
	json_t *o = json_array_get(r.json, 0);
	check_request(o, id);
	assert_string_equal(json_string_value(json_object_get(o, "status")), "open");
	assert_string_equal(json_string_value(json_object_get(o, "service_code")), "sanitation");
	assert_string_equal(json_string_value(json_object_get(o, "address")), community_name);
	assert_string_equal(json_string_value(json_object_get(o, "description")), "");
	assert_string_equal(json_string_value(json_object_get(o, "status_notes")), "");
	assert_true(fabs(json_number_value(json_object_get(o, "lat")) - clat) < 1e-6);
	assert_true(fabs(json_number_value(json_object_get(o, "long")) - clng) < 1e-6);
	assert_non_null(strstr(json_string_value(json_object_get(o, "requested_datetime")), "T"));
	hr_free(&r);
	snprintf(path, sizeof path, "/open311/v2/requests/%lld.xml", (long long)id);
	get(path, 200, &r);
	struct node *root = xml_parse(r.body);
	assert_string_equal(root->name, "service_requests");
	assert_int_equal(root->nkids, 1);
	assert_string_equal(root->kids[0]->name, "request");
	xml_fields(root->kids[0], REQUEST, NULL);
	assert_string_equal(text(kid(root->kids[0], "address")), community_name);
	assert_string_equal(text(kid(root->kids[0], "status")), "open");
	node_free(root);
	hr_free(&r);

	/* Made public by staff: the description and the reply show, escaped in XML. */
	set_public(id);
	struct hresp a;
	char act[96];
	snprintf(act, sizeof act, "/api/cases/%lld/accept", (long long)id);
	assert_int_equal(http_req(T.port, "POST", act, shequ, "{}", &a), 0);
	assert_int_equal(a.status, 200);
	hr_free(&a);
	snprintf(act, sizeof act, "/api/cases/%lld/reply", (long long)id);
	assert_int_equal(http_req(T.port, "POST", act, shequ,
	                          "{\"text\":\"已清理 <楼道> & 'done' \\\"ok\\\"\"}", &a),
	                 0);
	assert_int_equal(a.status, 200);
	hr_free(&a);
	snprintf(path, sizeof path, "/open311/v2/requests/%lld.json", (long long)id);
	get(path, 200, &r);
	o = json_array_get(r.json, 0);
	assert_non_null(strstr(json_string_value(json_object_get(o, "description")), "电话联系我"));
	assert_string_equal(json_string_value(json_object_get(o, "status_notes")),
	                    "已清理 <楼道> & 'done' \"ok\"");
	hr_free(&r);
	snprintf(path, sizeof path, "/open311/v2/requests/%lld.xml", (long long)id);
	get(path, 200, &r);
	assert_non_null(
	    strstr(r.body, "已清理 &lt;楼道&gt; &amp; &apos;done&apos; &quot;ok&quot;"));
	root = xml_parse(r.body);
	assert_string_equal(text(kid(root->kids[0], "status_notes")),
	                    "已清理 <楼道> & 'done' \"ok\"");
	node_free(root);
	hr_free(&r);
	get("/open311/v2/requests/99999999.json", 404, &r);
	hr_free(&r);
	get("/open311/v2/requests/99999999.xml", 404, &r);
	root = xml_parse(r.body);
	assert_string_equal(root->name, "errors");
	node_free(root);
	hr_free(&r);
}

static bool has_id(json_t *list, int64_t id)
{
	json_t *o;
	size_t i;
	json_array_foreach(list, i, o) if (json_integer_value(json_object_get(
	                                       o, "service_request_id")) == id) return true;
	return false;
}

static void test_request_filters(void **state)
{
	struct community c;
	community(0, &c);
	char form[256];
	snprintf(form, sizeof form, "service_code=elderly_care&lat=%.6f&long=%.6f", c.lat, c.lng);
	int64_t a = post_ok(form, "json", NULL), b = post_ok(form, "json", NULL);
	struct hresp r;
	char path[256];
	snprintf(path, sizeof path, "/open311/v2/requests.json?service_request_id=%lld,%lld",
	         (long long)a, (long long)b);
	get(path, 200, &r);
	assert_int_equal(json_array_size(r.json), 2);
	assert_true(has_id(r.json, a) && has_id(r.json, b));
	json_t *o;
	size_t i;
	json_array_foreach(r.json, i, o)
	    check_request(o, json_integer_value(json_object_get(o, "service_request_id")));
	hr_free(&r);
	get("/open311/v2/requests.json?service_code=elderly_care", 200, &r);
	assert_true(has_id(r.json, a));
	json_array_foreach(r.json, i, o) assert_string_equal(
	    json_string_value(json_object_get(o, "service_code")), "elderly_care");
	hr_free(&r);
	get("/open311/v2/requests.json?service_code=policy", 200, &r);
	assert_false(has_id(r.json, a));
	hr_free(&r);
	get("/open311/v2/requests.json?status=closed", 200, &r);
	assert_false(has_id(r.json, a));
	hr_free(&r);
	get("/open311/v2/requests.json?status=open", 200, &r);
	assert_true(has_id(r.json, a));
	hr_free(&r);
	/* Dates: a window in the future is empty; one around now has it; the default is the
	 * last 90 days. */
	get("/open311/v2/requests.json?start_date=2099-01-01T00:00:00Z", 200, &r);
	assert_int_equal(json_array_size(r.json), 0);
	hr_free(&r);
	char from[21], to[21];
	clock_iso(clock_now() - 3600, from);
	clock_iso(clock_now() + 3600, to);
	snprintf(path, sizeof path, "/open311/v2/requests.xml?start_date=%s&end_date=%s", from, to);
	get(path, 200, &r);
	char needle[64];
	snprintf(needle, sizeof needle, "<service_request_id>%lld</service_request_id>",
	         (long long)a);
	assert_non_null(strstr(r.body, needle));
	hr_free(&r);
	get("/open311/v2/requests.json?start_date=2026-01-01&end_date=2026-01-02T08:00+08:00", 200,
	    &r);
	hr_free(&r);
	const char *bad[] = {"start_date=yesterday",
	                     "end_date=2026-13-01",
	                     "start_date=2026-02-30",
	                     "status=pending",
	                     "service_request_id=1,x",
	                     "service_request_id=0",
	                     "start_date=2026-05-01&end_date=2026-04-01"};
	for (size_t k = 0; k < XF_ARRAY_LEN(bad); k++) {
		snprintf(path, sizeof path, "/open311/v2/requests.json?%s", bad[k]);
		get(path, 400, &r);
		json_fields(json_array_get(r.json, 0), ERROR, NULL);
		hr_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_discovery_and_services_match_the_field_lists_in_both_formats),
	    cmocka_unit_test(test_posting_without_a_valid_open311_key_is_403_and_writes_nothing),
	    cmocka_unit_test(test_bad_forms_are_400_and_write_nothing),
	    cmocka_unit_test(test_address_string_places_the_request_at_that_community),
	    cmocka_unit_test(test_coordinates_place_the_request_at_the_nearest_community),
	    cmocka_unit_test(test_outside_the_city_is_400_and_writes_nothing),
	    cmocka_unit_test(test_the_public_view_has_the_fields_and_no_personal_data),
	    cmocka_unit_test(test_request_filters),
	};
	return TS_RUN(tests, setup, teardown);
}
