/* Spreadsheet imports into the registry (an uploaded CSV or XLSX as the request body) and
 * the templates to fill in. */
#include "api.h"
#include "app.h"
#include "../auth/policy.h"
#include "../io/table.h"
#include "../registry/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "/api/import/people" and "/api/import/people/template" → "people". */
static const char *kind_of(const struct req *r, char out[16])
{
	const char *p = r->route->pattern + strlen("/api/import/");
	size_t n = strcspn(p, "/");
	snprintf(out, 16, "%.*s", (int)n, p);
	return out;
}

static int import_write(struct db *db, struct req *r, struct xf_err *err)
{
	char kind[16];
	kind_of(r, kind);
	/* Again inside the job: the importer's place still in their hands. */
	int rc = authz_check(db, &r->user, "registry.manage", r->user.place_id, err);
	if (rc != XF_OK)
		return rc;
	struct table_reader *t;
	if ((rc = table_open_mem(r->body.data, r->body.len, TABLE_AUTO, NULL, &t, err)) != XF_OK)
		return rc;
	struct import_report rep;
	rc = import_run(db, kind, t, strcmp(r->user.role, "admin") == 0 ? 0 : r->user.place_id,
	                &rep, NULL, NULL, err);
	table_close(t);
	if (rc == XF_EINVAL && json_array_size(rep.errors)) {
		/* Every bad row, nothing written: an answer, not a failed job. */
		snprintf(r->audit_detail, sizeof r->audit_detail, "rejected: %s", err->message);
		resp_take_json(r, 422,
		               json_pack("{s:{s:s, s:s}, s:I, s:O}", "error", "code",
		                         "import_rejected", "message", err->message, "rows",
		                         (json_int_t)rep.rows, "errors", rep.errors));
		import_report_free(&rep);
		xf_err_clear(err);
		return XF_OK;
	}
	if (rc != XF_OK) {
		import_report_free(&rep);
		return rc;
	}
	snprintf(r->audit_detail, sizeof r->audit_detail, "rows %lld, created %lld, unchanged %lld",
	         (long long)rep.rows, (long long)rep.created, (long long)rep.unchanged);
	resp_take_json(r, 200,
	               json_pack("{s:s, s:I, s:I, s:I}", "kind", kind, "rows", (json_int_t)rep.rows,
	                         "created", (json_int_t)rep.created, "unchanged",
	                         (json_int_t)rep.unchanged));
	import_report_free(&rep);
	return XF_OK;
}

int api_import(struct req *r)
{
	char kind[16];
	snprintf(r->audit_object, sizeof r->audit_object, "import/%s", kind_of(r, kind));
	return req_write(r, import_write, NULL);
}

int api_import_template(struct req *r)
{
	char kind[16];
	kind_of(r, kind);
	const char *fmt = req_query(r, "format");
	bool xlsx = !fmt || strcmp(fmt, "xlsx") == 0;
	if (fmt && !xlsx && strcmp(fmt, "csv") != 0)
		return xf_fail_field(&r->err, XF_EINVAL, "validation_failed", "format",
		                     "format 只能是 xlsx 或 csv");
	size_t n;
	const char *const *cols = import_columns(kind, &n);
	struct table_writer *w;
	char *data;
	size_t len;
	int rc = table_writer_open_mem(xlsx ? TABLE_XLSX : TABLE_CSV, kind, &w, &r->err);
	if (rc == XF_OK)
		rc = table_writer_row(w, cols, n, &r->err);
	if (rc != XF_OK) {
		table_writer_discard(w);
		return rc;
	}
	if ((rc = table_writer_close_mem(w, &data, &len, &r->err)) != XF_OK)
		return rc;
	r->resp.status = 200;
	r->resp.content_type =
	    xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	         : "text/csv; charset=utf-8";
	buf_reset(&r->resp.body);
	buf_append(&r->resp.body, data, len);
	free(data);
	char disp[96];
	snprintf(disp, sizeof disp, "attachment; filename=\"xingfu-%s-template.%s\"", kind,
	         xlsx ? "xlsx" : "csv");
	resp_header(r, "Content-Disposition", disp);
	return XF_OK;
}
