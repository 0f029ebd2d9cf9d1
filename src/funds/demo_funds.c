/* The demo city's year of 重心下移: the published rules; each community's 300,000-yuan
 * 服务群众专项经费 for 2026 (and each 行业党委's 50,000) with a year of approved and paid
 * spending and what it did; a 党群服务中心 in every seed community with rooms, one upgrade
 * project done and one under way; a room 黄石公交集团 opens to residents; bookings; and the
 * seed communities' cadres with certificates, training and a career move. Deterministic. */
#include "funds.h"

#include <stdio.h>
#include <string.h>

static const char *const seeds[] = {"420203009002", "420205003001", "420202005003", "420205003006",
                                    "420202007003"};

static const struct {
	const char *category, *name;
	int allowed;
	int64_t cap, second;
	const char *approver;
} rules[] = {
    {"activity", "居民活动与志愿服务", 1, 2000000, 1000000, "street_official"},
    {"repair", "小区小修小补", 1, 3000000, 1000000, "street_official"},
    {"care", "困难群众与老人关爱", 1, 1000000, 0, "street_official"},
    {"centre", "阵地运行与维护", 1, 5000000, 2000000, "street_official"},
    {"training", "骨干培训", 1, 500000, 0, "street_official"},
    {"banquet", "宴请与礼品", 0, 0, 0, "street_official"},
    {"salary", "发放工资与奖金", 0, 0, 0, "street_official"},
    {"vehicle", "购置公务车辆", 0, 0, 0, "street_official"},
};

static const struct {
	const char *category, *title, *outcome;
	int64_t fen, deeds;
} spend[] = {
    {"activity", "重阳节敬老活动", "为 120 位 70 岁以上老人送去慰问", 380000, 1},
    {"repair", "3 栋楼道灯全部更换为感应灯", "楼道夜间照明恢复", 620000, 1},
    {"care", "独居老人助餐补贴", "每月为 26 位独居老人送餐", 960000, 26},
    {"repair", "小区东门积水点改造", "雨天不再积水", 1850000, 1},
    {"centre", "党群服务中心空调维修", "夏季活动室恢复使用", 430000, 1},
    {"activity", "“我爱我楼”楼道美化", "6 栋楼道完成清理和美化", 1200000, 6},
    {"training", "楼栋长培训", "培训楼栋长 40 人次", 180000, 1},
    {"care", "困难家庭子女助学", "资助 8 名学生", 800000, 8},
    {"activity", "社区运动会", "300 名居民参加", 560000, 1},
    {"repair", "健身器材更换", "更换 9 件损坏器材", 1480000, 1},
};

static int64_t id_of(struct db *db, const char *sql_code, struct xf_err *err)
{
	int64_t id = 0;
	struct xf_err e;
	(void)err;
	db_int(db, &e, &id, "SELECT id FROM places WHERE code = ?", "t", sql_code);
	return id;
}

int funds_demo(struct db *db, bool city, int64_t now, struct xf_err *err)
{
	(void)city;
	int64_t rs = 0, street_user = 0, admin = 0, shequ = 0;
	struct xf_err e;
	db_int(db, &e, &street_user, "SELECT id FROM users WHERE username = 'jiedao'", "");
	db_int(db, &e, &admin, "SELECT id FROM users WHERE username = 'admin'", "");
	db_int(db, &e, &shequ, "SELECT id FROM users WHERE username = 'shequ'", "");
	if (!admin)
		return XF_OK;
	int rc =
	    db_run(db, err, "INSERT INTO fund_rulesets(name, published_at, text) VALUES (?, ?, ?)",
	           "tit", "黄石市社区服务群众专项经费使用管理办法（2026）", now - 330 * 86400,
	           "专款专用，用于为民服务、阵地运行、骨干培训；不得用于宴请、发放工资奖金"
	           "和购置公务车辆。单笔一万元以上须经区级复核。");
	if (rc == XF_OK)
		rc = db_int(db, err, &rs, "SELECT max(id) FROM fund_rulesets", "");
	for (size_t i = 0; rc == XF_OK && i < XF_ARRAY_LEN(rules); i++) {
		struct db_stmt *st = db_prep(
		    db,
		    "INSERT INTO fund_rule_items(ruleset_id, category, name, allowed, cap_fen,"
		    " approver_role, second_fen, second_role) VALUES (?, ?, ?, ?, ?, ?, ?, "
		    "'admin')",
		    err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, rs);
		db_bind_text(st, 2, rules[i].category);
		db_bind_text(st, 3, rules[i].name);
		db_bind_int(st, 4, rules[i].allowed);
		if (rules[i].cap)
			db_bind_int(st, 5, rules[i].cap);
		else
			db_bind_null(st, 5);
		db_bind_text(st, 6, rules[i].approver);
		if (rules[i].second)
			db_bind_int(st, 7, rules[i].second);
		else
			db_bind_null(st, 7);
		rc = db_step(st, err) == DB_DONE ? XF_OK : err->status;
	}
	if (rc != XF_OK)
		return rc;
	/* Every community's fund for the year; a year of spending in the seed communities. */
	if ((rc =
	         db_run(db, err,
	                "INSERT INTO funds(place_id, year, kind, name, budget_fen, ruleset_id,"
	                " created_at, district_id) SELECT id, 2026, 'service', '2026 年服务群众专项"
	                "经费', 30000000, ?, ?, district_id FROM places WHERE kind = 'community'",
	                "ii", rs, now - 320 * 86400)) != XF_OK ||
	    (rc = db_run(db, err,
	                 "INSERT INTO funds(place_id, org_id, year, kind, name, budget_fen,"
	                 " ruleset_id, created_at, district_id) SELECT o.place_id, o.id, 2026,"
	                 " 'industry', '2026 年行业党委党建经费', 5000000, ?, ?, o.district_id FROM"
	                 " orgs o WHERE o.kind = 'industry_party_committee'",
	                 "ii", rs, now - 320 * 86400)) != XF_OK)
		return rc;
	for (size_t s = 0; s < XF_ARRAY_LEN(seeds); s++) {
		int64_t place = id_of(db, seeds[s], err), fund = 0;
		if (!place)
			continue;
		if ((rc = db_int(db, err, &fund,
		                 "SELECT id FROM funds WHERE place_id = ? AND kind = 'service' AND"
		                 " year = 2026",
		                 "i", place)) != XF_OK)
			return rc;
		for (size_t k = 0; k < XF_ARRAY_LEN(spend); k++) {
			int64_t at = now - (int64_t)(300 - k * 28 - s * 3) * 86400, eid = 0;
			int64_t fen = spend[k].fen + (int64_t)s * 1000;
			bool second = fen > 1000000 && strcmp(spend[k].category, "care") != 0 &&
			              strcmp(spend[k].category, "training") != 0;
			const char *status = k >= XF_ARRAY_LEN(spend) - 2 ? "approved" : "paid";
			if (k == XF_ARRAY_LEN(spend) - 1)
				status = "pending";
			struct db_stmt *st = db_prep(
			    db,
			    "INSERT INTO expenditures(fund_id, category, title, amount_fen, "
			    "outcome,"
			    " deeds, status, steps, requested_by, created_at, decided_at, paid_at,"
			    " district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT"
			    " district_id FROM places WHERE id = ?)) RETURNING id",
			    err);
			if (!st)
				return err->status;
			db_bind_int(st, 1, fund);
			db_bind_text(st, 2, spend[k].category);
			db_bind_text(st, 3, spend[k].title);
			db_bind_int(st, 4, fen);
			db_bind_text(st, 5, spend[k].outcome);
			db_bind_int(st, 6, spend[k].deeds);
			db_bind_text(st, 7, status);
			db_bind_int(st, 8, second ? 2 : 1);
			db_bind_int(st, 9, shequ ? shequ : admin);
			db_bind_int(st, 10, at);
			if (strcmp(status, "pending") != 0)
				db_bind_int(st, 11, at + 2 * 86400);
			else
				db_bind_null(st, 11);
			if (strcmp(status, "paid") == 0)
				db_bind_int(st, 12, at + 9 * 86400);
			else
				db_bind_null(st, 12);
			db_bind_int(st, 13, place);
			if ((rc = db_step(st, err)) != DB_ROW)
				return rc < 0
				           ? rc
				           : xf_fail(err, XF_EDB, "db_error", "demo expenditure");
			eid = db_col_int(st, 0);
			db_reset(st);
			if (strcmp(status, "pending") == 0)
				continue;
			if ((rc = db_run(
			         db, err,
			         "INSERT INTO expenditure_approvals(expenditure_id, step, user_id,"
			         " role, decision, note, at) VALUES (?, 1, ?, 'street_official',"
			         " 'approved', '同意', ?)",
			         "iii", eid, street_user ? street_user : admin, at + 86400)) !=
			    XF_OK)
				return rc;
			if (second &&
			    (rc = db_run(db, err,
			                 "INSERT INTO expenditure_approvals(expenditure_id, step,"
			                 " user_id, role, decision, note, at) VALUES (?, 2, ?,"
			                 " 'admin', 'approved', '复核同意', ?)",
			                 "iii", eid, admin, at + 2 * 86400)) != XF_OK)
				return rc;
			if (strcmp(status, "paid") == 0) {
				struct db_stmt *vs = db_prep(
				    db,
				    "INSERT INTO vouchers(expenditure_id, mime, bytes, size, "
				    "sha256,"
				    " created_at) VALUES (?, 'application/pdf', ?, 8, 'demo', ?)",
				    err);
				if (!vs)
					return err->status;
				db_bind_int(vs, 1, eid);
				db_bind_blob(vs, 2, "%PDF-1.4", 8);
				db_bind_int(vs, 3, at + 9 * 86400);
				if ((rc = db_step(vs, err)) != DB_DONE)
					return rc < 0 ? rc
					              : xf_fail(err, XF_EDB, "db_error",
					                        "demo voucher");
			}
		}
		/* The centre: rooms are venues; one upgrade done, one under way. */
		char name[128] = "";
		struct db_stmt *pn = db_prep(db, "SELECT name FROM places WHERE id = ?", err);
		if (!pn)
			return err->status;
		db_bind_int(pn, 1, place);
		if (db_step(pn, err) == DB_ROW) {
			snprintf(name, sizeof name, "%s党群服务中心", db_col_text(pn, 0));
			db_reset(pn);
		}
		int64_t centre = 0;
		if ((rc = db_run(
		         db, err,
		         "INSERT INTO centres(place_id, name, address, fitout, created_at,"
		         " district_id) VALUES (?, ?, '社区服务大厅一楼', '党员活动室,"
		         " 便民服务大厅, 图书阅览室, 日间照料中心, 调解室, 儿童之家', ?, (SELECT"
		         " district_id FROM places WHERE id = ?))",
		         "itii", place, name, now - 360 * 86400, place)) != XF_OK ||
		    (rc = db_int(db, err, &centre, "SELECT max(id) FROM centres", "")) != XF_OK ||
		    (rc = db_run(db, err,
		                 "INSERT INTO centre_projects(centre_id, kind, title, area_cm2,"
		                 " budget_fen, status, done_at, created_at) VALUES (?, 'extend',"
		                 " '二楼扩建为多功能活动室', 20000, 45000000, 'done', ?, ?), (?,"
		                 " 'share', '与驻区单位共享会议室', 8000, 0, 'building', NULL, ?)",
		                 "iiiii", centre, now - 100 * 86400, now - 280 * 86400, centre,
		                 now - 60 * 86400)) != XF_OK)
			return rc;
		static const struct {
			const char *name, *kind;
			int cap, open, close, approval;
		} rooms[] = {{"多功能活动室", "hall", 80, 480, 1260, 1},
		             {"党员活动室", "room", 30, 480, 1080, 0},
		             {"图书阅览室", "library", 20, 540, 1200, 0}};
		for (size_t k = 0; k < XF_ARRAY_LEN(rooms); k++)
			if ((rc = db_run(
			         db, err,
			         "INSERT INTO venues(place_id, centre_id, name, kind, capacity,"
			         " area_cm2, opens_min, closes_min, needs_approval, created_at,"
			         " district_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT"
			         " district_id FROM places WHERE id = ?))",
			         "iittiiiiiii", place, centre, rooms[k].name, rooms[k].kind,
			         (int64_t)rooms[k].cap, (int64_t)rooms[k].cap * 150,
			         (int64_t)rooms[k].open, (int64_t)rooms[k].close,
			         (int64_t)rooms[k].approval, now - 300 * 86400, place)) != XF_OK)
				return rc;
	}
	/* 黄石公交集团 opens its staff activity centre at weekends (资源共享). */
	int64_t bus = 0, bus_place = 0;
	db_int(db, &e, &bus, "SELECT id FROM orgs WHERE code = '91420200U00001'", "");
	db_int(db, &e, &bus_place, "SELECT place_id FROM orgs WHERE code = '91420200U00001'", "");
	if (bus &&
	    (rc = db_run(db, err,
	                 "INSERT INTO venues(place_id, org_id, name, kind, capacity, area_cm2,"
	                 " opens_min, closes_min, needs_approval, created_at, district_id)"
	                 " VALUES (?, ?, '公交集团职工活动中心', 'hall', 120, 40000, 540,"
	                 " 1020, 1, ?, (SELECT district_id FROM places WHERE id = ?))",
	                 "iiii", bus_place, bus, now - 200 * 86400, bus_place)) != XF_OK)
		return rc;
	/* Bookings over the past weeks and the next few days in 大智路's rooms. */
	int64_t jumin = 0, dazhi = id_of(db, "420203009002", err);
	db_int(db, &e, &jumin, "SELECT id FROM users WHERE username = 'jumin'", "");
	if (jumin && dazhi) {
		int64_t day0 = (now + 8 * 3600) / 86400;
		for (int d = -20; d <= 6; d += 2) {
			int64_t starts = (day0 + d) * 86400 - 8 * 3600 + (9 + (d + 20) % 6) * 3600;
			if ((rc = db_run(
			         db, err,
			         "INSERT INTO bookings(venue_id, user_id, purpose, people,"
			         " starts_at, ends_at, status, secret, arrived_at, created_at)"
			         " SELECT v.id, ?, ?, 25, ?, ?, 'approved', ?, ?, ? FROM venues v"
			         " JOIN centres c ON c.id = v.centre_id WHERE c.place_id = ? AND"
			         " v.kind = 'hall'",
			         "itiitiii", jumin, d % 4 ? "夕阳红合唱队排练" : "广场舞队排练",
			         starts, starts + 5400,
			         "0000000000000000000000000000000000000000000000000000000000000000",
			         d < 0 ? starts + 300 : 0, starts - 3 * 86400, dazhi)) != XF_OK)
				return rc;
		}
	}
	/* Cadres: four in each seed community, one 一肩挑 secretary-director. */
	static const char *const titles[] = {"社区党委书记、居委会主任", "社区党委副书记",
	                                     "社区专职工作者（民政）", "社区专职工作者（网格）"};
	for (size_t s = 0; s < XF_ARRAY_LEN(seeds); s++) {
		int64_t place = id_of(db, seeds[s], err);
		if (!place)
			continue;
		struct db_stmt *st =
		    db_prep(db,
		            "SELECT pe.id FROM people pe JOIN places h ON h.id ="
		            " pe.place_id JOIN places c ON c.id = ? WHERE substr(h.path,"
		            " 1, length(c.path)) = c.path AND pe.birth_year BETWEEN 1975"
		            " AND 1995 ORDER BY pe.id LIMIT 4",
		            err);
		if (!st)
			return err->status;
		db_bind_int(st, 1, place);
		int64_t people[4];
		int n = 0;
		while (n < 4 && (rc = db_step(st, err)) == DB_ROW)
			people[n++] = db_col_int(st, 0);
		if (rc < 0)
			return rc;
		db_reset(st);
		for (int k = 0; k < n; k++) {
			int64_t cadre = 0;
			if ((rc = db_run(
			         db, err,
			         "INSERT INTO cadres(person_id, place_id, title, hired_at, pay_fen,"
			         " district_id) VALUES (?, ?, ?, ?, ?, (SELECT district_id FROM"
			         " places WHERE id = ?)) ON CONFLICT DO NOTHING",
			         "iitiii", people[k], place, titles[k],
			         now - (int64_t)(3 + k) * 365 * 86400,
			         (int64_t)(420000 - k * 30000), place)) != XF_OK ||
			    (rc = db_int(db, err, &cadre,
			                 "SELECT id FROM cadres WHERE person_id = ?", "i",
			                 people[k])) != XF_OK)
				return rc;
			if (k < 3 &&
			    (rc = db_run(
			         db, err,
			         "INSERT INTO cadre_certificates(cadre_id, kind, name, obtained_at)"
			         " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
			         "itti", cadre,
			         k == 0 ? "social_worker" : "assistant_social_worker",
			         k == 0 ? "社会工作师" : "助理社会工作师", now - 400 * 86400)) !=
			        XF_OK)
				return rc;
			if ((rc = db_run(
			         db, err,
			         "INSERT INTO cadre_events(cadre_id, kind, title, hours, at) VALUES"
			         " (?, 'training', '社区干部学院年度轮训', 32, ?)",
			         "ii", cadre, now - 150 * 86400)) != XF_OK)
				return rc;
			if (k == 0 && s == 0 &&
			    (rc = db_run(
			         db, err,
			         "INSERT INTO cadre_events(cadre_id, kind, title, hours, at) VALUES"
			         " (?, 'promotion', '提拔为街道副主任（兼任社区书记）', 0, ?)",
			         "ii", cadre, now - 30 * 86400)) != XF_OK)
				return rc;
		}
	}
	return XF_OK;
}
