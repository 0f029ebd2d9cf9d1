#include "people.h"
#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/pii.h"
#include "../core/str.h"
#include "../points/points.h"
#include "registry.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void people_bind_sealed(struct db_stmt *st, int idx, const char *plain)
{
	if (!plain) {
		db_bind_null(st, idx);
		return;
	}
	struct buf b;
	buf_init(&b);
	pii_seal(plain, &b);
	db_bind_blob(st, idx, b.data, b.len);
	buf_free(&b);
}

void people_bind_bidx(struct db_stmt *st, int idx, const char *kind, const char *plain)
{
	if (!plain) {
		db_bind_null(st, idx);
		return;
	}
	char bidx[XF_DIGEST_HEX];
	pii_bidx(kind, plain, bidx);
	db_bind_text(st, idx, bidx);
}

char *people_open_col(struct db_stmt *st, int col)
{
	size_t len = 0;
	const void *p = db_col_blob(st, col, &len);
	if (!p || !len)
		return NULL;
	struct buf b;
	struct xf_err err;
	buf_init(&b);
	char *out = pii_open(p, len, &b, &err) == XF_OK ? buf_steal(&b) : NULL;
	buf_free(&b);
	return out;
}

/* Each character of the name once, under the community and under the street
 * (people_name_chars, which the people search walks), each entry with what a page of the
 * search shows of the person (migration 0018). */
static int people_index_name(struct db *db, int64_t id, int64_t community, int64_t street,
                             const struct person_in *p, const char *pmask, const char *imask,
                             struct xf_err *err)
{
	char chars[PEOPLE_NAME_MAX][5];
	size_t n = str_fold_chars(p->name, chars, PEOPLE_NAME_MAX);
	const int64_t under[] = {community, street};
	for (size_t u = 0; u < 2; u++) {
		if (!under[u])
			continue;
		for (size_t i = 0; i < n; i++) {
			int rc =
			    db_run(db, err,
			           "INSERT INTO people_name_chars(place_id, ch, person_id, name,"
			           " gender, phone_mask, id_mask, home_id)"
			           " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			           "ititttti", under[u], chars[i], id, p->name,
			           p->gender ? p->gender : "", pmask, imask, p->place_id);
			if (rc != XF_OK)
				return rc;
		}
	}
	return XF_OK;
}

int people_create(struct db *db, const struct person_in *p, int64_t *id_out, struct xf_err *err)
{
	if (!p->name || !p->name[0])
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "name", "姓名不能为空");
	if (utf8_len(p->name, strlen(p->name)) > PEOPLE_NAME_MAX)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "name", "姓名过长");
	if (p->phone && !pii_phone_valid(p->phone))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "phone",
		                     "手机号格式不正确（11 位大陆手机号）");
	if (p->id_number && !pii_id_number_valid(p->id_number))
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "id_number",
		                     "身份证号格式或校验位不正确");
	char pbidx[XF_DIGEST_HEX], ibidx[XF_DIGEST_HEX], pmask[32] = "", imask[32] = "",
	                                                 amask[64] = "";
	if (p->phone) {
		pii_bidx("phone", p->phone, pbidx);
		pii_mask_phone(p->phone, pmask, sizeof pmask);
	}
	if (p->id_number) {
		pii_bidx("id", p->id_number, ibidx);
		pii_mask_id(p->id_number, imask, sizeof imask);
	}
	if (p->address)
		pii_mask_address(p->address, amask, sizeof amask);
	int64_t now = clock_now(), district = 0;
	int rc =
	    db_int(db, err, &district, "SELECT coalesce(district_id, 0) FROM places WHERE id = ?",
	           "i", p->place_id);
	if (rc == XF_ENOTFOUND)
		return xf_fail_field(err, XF_EINVAL, "validation_failed", "place_id",
		                     "没有这个地点");
	if (rc != XF_OK)
		return rc;
	/* The nearest community and street above: their people searches walk people_community
	 * and people_street. */
	int64_t community, street;
	if ((rc = registry_community_street(db, p->place_id, &community, &street, err)) != XF_OK)
		return rc;
	struct db_stmt *st = db_prep(
	    db,
	    "INSERT INTO people(place_id, name, gender, birth_year, phone_enc, phone_bidx, "
	    "phone_mask,"
	    " id_enc, id_bidx, id_mask, address_enc, address_mask, district_id, created_at,"
	    " updated_at, community_id, street_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?, ?)"
	    " RETURNING id",
	    err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, p->place_id);
	db_bind_text(st, 2, p->name);
	db_bind_text(st, 3, p->gender ? p->gender : "");
	if (p->birth_year)
		db_bind_int(st, 4, p->birth_year);
	else
		db_bind_null(st, 4);
	people_bind_sealed(st, 5, p->phone);
	db_bind_text(st, 6, p->phone ? pbidx : NULL);
	db_bind_text(st, 7, pmask);
	people_bind_sealed(st, 8, p->id_number);
	db_bind_text(st, 9, p->id_number ? ibidx : NULL);
	db_bind_text(st, 10, imask);
	people_bind_sealed(st, 11, p->address);
	db_bind_text(st, 12, amask);
	if (district)
		db_bind_int(st, 13, district);
	else
		db_bind_null(st, 13);
	db_bind_int(st, 14, now);
	db_bind_int(st, 15, now);
	if (community)
		db_bind_int(st, 16, community);
	else
		db_bind_null(st, 16);
	if (street)
		db_bind_int(st, 17, street);
	else
		db_bind_null(st, 17);
	rc = db_step(st, err);
	if (rc != DB_ROW) {
		if (rc == XF_ECONFLICT)
			return xf_fail_field(err, XF_ECONFLICT, "duplicate_person", "id_number",
			                     "该身份证号已登记");
		return rc < 0 ? rc : XF_EDB;
	}
	int64_t id = db_col_int(st, 0), account;
	db_reset(st);
	if ((rc = people_index_name(db, id, community, street, p, pmask, imask, err)) != XF_OK)
		return rc;
	if (id_out)
		*id_out = id;
	return p->defer_account ? XF_OK : points_person_account(db, id, true, &account, err);
}

int people_place(struct db *db, int64_t id, int64_t *place_id, struct xf_err *err)
{
	int rc = db_int(db, err, place_id, "SELECT place_id FROM people WHERE id = ?", "i", id);
	if (rc == XF_ENOTFOUND)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个人员");
	return rc;
}

int people_get_json(struct db *db, int64_t id, json_t **out, struct xf_err *err)
{
	struct db_stmt *st = db_prep(db,
	                             "SELECT p.id, p.name, p.gender, coalesce(p.birth_year, 0),"
	                             " p.phone_mask, p.id_mask, p.address_mask, p.place_id, pl.name"
	                             " FROM people p JOIN places pl ON pl.id = p.place_id"
	                             " WHERE p.id = ?",
	                             err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个人员");
	*out = json_pack(
	    "{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)db_col_int(st, 0),
	    "name", db_col_text(st, 1), "gender", db_col_text(st, 2), "birth_year",
	    db_col_int(st, 3) ? json_integer(db_col_int(st, 3)) : json_null(), "phone",
	    db_col_text(st, 4), "id_number", db_col_text(st, 5), "address", db_col_text(st, 6),
	    "place_id", (json_int_t)db_col_int(st, 7), "place_name", db_col_text(st, 8));
	db_reset(st);
	return XF_OK;
}

static json_t *opened(struct db_stmt *st, int col, struct xf_err *err, int *rc)
{
	size_t n = 0;
	const void *p = db_col_blob(st, col, &n);
	if (!p || !n)
		return json_null();
	struct buf b;
	buf_init(&b);
	if ((*rc = pii_open(p, n, &b, err)) != XF_OK) {
		buf_free(&b);
		return json_null();
	}
	json_t *v = json_string(b.data);
	sodium_memzero(b.data, b.len);
	buf_free(&b);
	return v;
}

int people_reveal(struct db *db, int64_t id, json_t **out, struct xf_err *err)
{
	struct db_stmt *st =
	    db_prep(db, "SELECT phone_enc, id_enc, address_enc FROM people WHERE id = ?", err);
	if (!st)
		return err->status;
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return xf_fail(err, XF_ENOTFOUND, "not_found", "没有这个人员");
	rc = XF_OK;
	json_t *phone = opened(st, 0, err, &rc), *idn = opened(st, 1, err, &rc),
	       *addr = opened(st, 2, err, &rc);
	db_reset(st);
	*out = json_pack("{s:o, s:o, s:o}", "phone", phone, "id_number", idn, "address", addr);
	return rc;
}
