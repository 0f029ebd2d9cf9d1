/* Registry imports over HTTP: CSV and XLSX, every row checked before anything is written,
 * bad rows reported with their row, column, masked value and reason, re-imports change
 * nothing, people de-duplicated by ID number, and rows outside the importer's scope refused. */
#include "../support/testlib.h"
#include "core/pii.h"
#include "io/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tserver T;
static char admin[512], shequ[512], shequ2[512];

static int setup(void **state)
{
	ts_start(&T);
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	ts_login(&T, "shequ2", DEMO_PW, shequ2, sizeof shequ2);
	return 0;
}

static int teardown(void **state)
{
	ts_stop(&T);
	return 0;
}

#define SQL_INT(sql, ...)                                                                          \
	(__extension__({                                                                           \
		struct xf_err e_;                                                                  \
		int64_t v_ = -1;                                                                   \
		assert_int_equal(                                                                  \
		    db_int(store_reader(T.app.store, &e_), &e_, &v_, sql, __VA_ARGS__), XF_OK);    \
		v_;                                                                                \
	}))

static int upload(const char *hdrs, const char *kind, const char *ctype, const void *body,
                  size_t len, struct hresp *r)
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b,
	           "POST /api/import/%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s"
	           "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n",
	           kind, hdrs, ctype, len);
	buf_append(&b, body, len);
	int rc = http_raw(T.port, b.data, b.len, r);
	buf_free(&b);
	return rc;
}

static int csv(const char *hdrs, const char *kind, const char *text, struct hresp *r)
{
	return upload(hdrs, kind, "text/csv", text, strlen(text), r);
}

static const char *places_csv = "code,name,kind,parent_code,lat,lng,area_m2\n"
                                "420203009002900,测试网格,grid,420203009002,30.2,115.05,\n"
                                "420203009002900001,测试 1 栋,building,420203009002900,,,\n"
                                "420203009002900001001,1 单元 101 室,household,"
                                "420203009002900001,,,89.5\n";

static void test_places_import_and_reimport_changes_nothing(void **state)
{
	struct hresp r;
	int64_t before = SQL_INT("SELECT count(*) FROM places", "");
	assert_int_equal(csv(admin, "places", places_csv, &r), 0);
	if (r.status != 200)
		fail_msg("%s", r.body);
	assert_int_equal(json_integer_value(json_object_get(r.json, "created")), 3);
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM places", ""), before + 3);
	/* The new places are in the tree: the household's path runs through the grid. */
	assert_int_equal(
	    SQL_INT("SELECT count(*) FROM places h JOIN places g ON g.code ="
	            " '420203009002900' WHERE h.code = '420203009002900001001' AND"
	            " substr(h.path, 1, length(g.path)) = g.path AND h.area_cm2 = 8950",
	            ""),
	    1);
	assert_int_equal(csv(admin, "places", places_csv, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "created")), 0);
	assert_int_equal(json_integer_value(json_object_get(r.json, "unchanged")), 3);
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM places", ""), before + 3);
}

static void test_a_file_with_a_bad_row_writes_nothing_and_names_each_row(void **state)
{
	struct hresp r;
	int64_t before = SQL_INT("SELECT count(*) FROM places", "");
	const char *text = "编码,名称,类型,上级编码\n"
	                   "420203009002901,好网格,网格,420203009002\n"
	                   "420203009002902,坏类型,village,420203009002\n"
	                   "420203009002903,无上级,grid,999999\n"
	                   "420203009002904,楼栋挂错,building,420203009002\n";
	assert_int_equal(csv(admin, "places", text, &r), 0);
	assert_int_equal(r.status, 422);
	assert_string_equal(hr_error_code(&r), "import_rejected");
	json_t *errors = json_object_get(r.json, "errors");
	assert_int_equal(json_array_size(errors), 3);
	int64_t rows[3];
	for (size_t i = 0; i < 3; i++)
		rows[i] = json_integer_value(json_object_get(json_array_get(errors, i), "row"));
	assert_int_equal(rows[0], 3);
	assert_int_equal(rows[1], 4);
	assert_int_equal(rows[2], 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "column")),
	                    "kind");
	assert_non_null(json_string_value(json_object_get(json_array_get(errors, 2), "reason")));
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM places", ""), before); /* not even row 2 */
	/* A header without a required column. */
	assert_int_equal(csv(admin, "places", "code,name\n1,x\n", &r), 0);
	assert_int_equal(r.status, 400);
	assert_string_equal(hr_error_code(&r), "missing_column");
	hr_free(&r);
	/* Not a spreadsheet at all. */
	assert_int_equal(
	    upload(admin, "places", "application/octet-stream", "PK\x03\x04garbage", 11, &r), 0);
	assert_int_equal(r.status, 400);
	hr_free(&r);
}

static void test_people_are_deduplicated_and_reported_masked(void **state)
{
	struct hresp r;
	char first17[] = "99020019800101123", id1[19], id2[19];
	snprintf(id1, sizeof id1, "%s%c", first17, pii_id_check_char(first17));
	char second17[] = "99020019810202124";
	snprintf(id2, sizeof id2, "%s%c", second17, pii_id_check_char(second17));
	char text[1024];
	snprintf(text, sizeof text,
	         "name,id_number,place_code,phone,gender,birth_year,address,tenure\n"
	         "钱多多,%s,420203009002900001001,17300000001,女,1980,1 单元 101 室,owner\n"
	         "孙二,%s,420203009002900001001,17300000002,男,1981,1 单元 101 室,\n",
	         id1, id2);
	int64_t before = SQL_INT("SELECT count(*) FROM people", "");
	assert_int_equal(csv(admin, "people", text, &r), 0);
	if (r.status != 200)
		fail_msg("%s", r.body);
	assert_int_equal(json_integer_value(json_object_get(r.json, "created")), 2);
	hr_free(&r);
	/* Every person has a points account, in the community they live in, from the start. */
	assert_int_equal(SQL_INT("SELECT count(*) FROM points_accounts a JOIN people p ON"
	                         " p.id = a.person_id WHERE a.kind = 'person' AND p.place_id ="
	                         " (SELECT id FROM places WHERE code = '420203009002900001001')"
	                         " AND a.community_id = (SELECT id FROM places WHERE code ="
	                         " '420203009002') AND a.credits_posted = 0",
	                         ""),
	                 2);
	assert_int_equal(SQL_INT("SELECT count(*) FROM people p WHERE NOT EXISTS (SELECT 1 FROM"
	                         " points_accounts a WHERE a.person_id = p.id)",
	                         ""),
	                 0);
	assert_int_equal(csv(admin, "people", text, &r), 0);
	assert_int_equal(json_integer_value(json_object_get(r.json, "unchanged")), 2);
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM people", ""), before + 2);
	/* A bad phone and a bad check digit: reported masked, never whole. */
	char bad[512];
	id1[17] = id1[17] == '1' ? '2' : '1';
	snprintf(bad, sizeof bad,
	         "name,id_number,place_code,phone\n"
	         "王五,%s,420203009002900001001,19912345678x\n",
	         id1);
	assert_int_equal(csv(admin, "people", bad, &r), 0);
	assert_int_equal(r.status, 422);
	assert_int_equal(json_array_size(json_object_get(r.json, "errors")), 2);
	assert_null(strstr(r.body, id1));
	assert_null(strstr(r.body, "19912345678"));
	hr_free(&r);
	/* Members: the person by ID number, the branch by code. */
	char members[512];
	id1[17] = pii_id_check_char(first17);
	snprintf(members, sizeof members,
	         "id_number,branch_code,status,central_household,joined_year\n"
	         "%s,P420203009002001,在职,是,2005\n",
	         id1);
	assert_int_equal(csv(admin, "members", members, &r), 0);
	if (r.status != 200)
		fail_msg("%s", r.body);
	assert_int_equal(json_integer_value(json_object_get(r.json, "created")), 1);
	hr_free(&r);
	assert_int_equal(csv(admin, "members", members, &r), 0);
	assert_int_equal(json_integer_value(json_object_get(r.json, "unchanged")), 1);
	hr_free(&r);
}

static void test_xlsx_templates_and_uploads_round_trip(void **state)
{
	struct hresp r;
	assert_int_equal(
	    http_req(T.port, "GET", "/api/import/orgs/template?format=xlsx", admin, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	char h[160];
	assert_non_null(hr_header(&r, "Content-Disposition", h, sizeof h));
	assert_non_null(strstr(h, "xingfu-orgs-template.xlsx"));
	hr_free(&r);
	/* Fill an XLSX the way a spreadsheet would and upload it. */
	struct table_writer *w;
	struct xf_err e;
	char *data;
	size_t len;
	const char *head[] = {"code", "name", "kind", "place_code", "domain", "built_on"};
	const char *row[] = {
	    "91420200TEST0001", "测试科技有限公司", "enterprise", "420203009002", "", ""};
	const char *row2[] = {"P91420200TEST0001", "测试科技有限公司党支部",
	                      "enterprise_party",  "420203009002",
	                      "private",           "building"};
	assert_int_equal(table_writer_open_mem(TABLE_XLSX, "orgs", &w, &e), XF_OK);
	assert_int_equal(table_writer_row(w, head, 6, &e), XF_OK);
	assert_int_equal(table_writer_row(w, row2, 6, &e), XF_OK);
	assert_int_equal(table_writer_row(w, row, 6, &e), XF_OK);
	assert_int_equal(table_writer_close_mem(w, &data, &len, &e), XF_OK);
	assert_int_equal(upload(admin, "orgs",
	                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	                        data, len, &r),
	                 0);
	free(data);
	if (r.status != 200)
		fail_msg("%s", r.body);
	assert_int_equal(json_integer_value(json_object_get(r.json, "created")), 2);
	hr_free(&r);
	assert_int_equal(
	    SQL_INT(
	        "SELECT count(*) FROM orgs WHERE code = '91420200TEST0001' AND kind = 'enterprise'",
	        ""),
	    1);
}

static void test_rows_outside_the_importers_scope_are_refused(void **state)
{
	struct hresp r;
	const char *text =
	    "code,name,kind,parent_code\n420203009002950,越界网格,grid,420203009002\n";
	assert_int_equal(csv(shequ2, "places", text, &r), 0); /* 友爱街 importing into 大智路 */
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "管辖范围"));
	hr_free(&r);
	assert_int_equal(csv(shequ, "places", text, &r), 0); /* 大智路's own worker may */
	assert_int_equal(r.status, 200);
	hr_free(&r);
	char jumin[512];
	ts_login(&T, "jumin", DEMO_PW, jumin, sizeof jumin);
	assert_int_equal(csv(jumin, "places", text, &r), 0);
	assert_int_equal(r.status, 403);
	hr_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_places_import_and_reimport_changes_nothing),
	    cmocka_unit_test(test_a_file_with_a_bad_row_writes_nothing_and_names_each_row),
	    cmocka_unit_test(test_people_are_deduplicated_and_reported_masked),
	    cmocka_unit_test(test_xlsx_templates_and_uploads_round_trip),
	    cmocka_unit_test(test_rows_outside_the_importers_scope_are_refused),
	};
	return TS_RUN(tests, setup, teardown);
}
