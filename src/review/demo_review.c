/* The demo city's year of 评议考核: the standards of the six domains; this year's sheets,
 * reviews and approved ratings for the seed communities' branches (and a hundred more), with
 * one grid branch rated 整顿 last year, its plan carried out and promoted this year, one under
 * 整顿 now with an open plan, and one rating waiting for the approver; twelve more resident
 * units beside the seed's four, evaluated by their community and street, six of them under
 * the threshold (the seed's 2017 example); a 文明城市 campaign in 澄月街道; and the 民主评议
 * of 赵卫东's branch. Deterministic. Every step goes through the module's operations. */
#include "review_int.h"
#include "../registry/registry.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

struct std_def {
	const char *title, *evidence, *source;
	int weight;
};

#define STD_END                                                                                    \
	{                                                                                          \
		NULL, NULL, NULL, 0                                                                \
	}

static const struct std_def s_community[] = {
    {"组织设置健全，按期换届", "换届选举批复、班子成员名单", "", 10},
    {"“三会一课”制度落实", "支部党员大会、支委会、党小组会记录和党课讲稿", "", 10},
    {"主题党日每月开展", "主题党日活动记录和照片", "", 10},
    {"楼栋“两长五员一户”配齐", "平台自动统计", "posts_filled", 10},
    {"在职党员到社区报到", "平台自动统计", "report_rate", 10},
    {"民情诉求按时办结", "平台自动统计", "case_rate", 10},
    {"党组织活动经常，工作覆盖到位", "平台自动统计", "work_coverage", 10},
    {"党员教育管理和发展党员规范", "发展党员档案、党员学习记录", "", 10},
    {"党群服务中心规范使用，制度上墙", "阵地照片、值班表", "", 10},
    {"党费按时足额收缴", "党费收缴台账", "", 10},
    STD_END};
static const struct std_def s_agency[] = {
    {"党组织按期换届，支部设置规范", "换届批复", "", 10},
    {"“三会一课”制度落实", "会议记录", "", 10},
    {"主题党日每月开展", "活动记录", "", 10},
    {"党员到居住地社区报到并服务", "报到回执、服务记录", "", 10},
    {"结对共建社区，项目落地", "共建协议和项目清单", "", 10},
    {"作风建设和为民服务", "服务承诺、群众评议", "", 10},
    {"党风廉政建设责任落实", "廉政谈话记录", "", 10},
    {"意识形态工作责任制落实", "专题研究记录", "", 10},
    {"党费按时足额收缴", "党费收缴台账", "", 10},
    {"党组织活动经常，工作覆盖到位", "平台自动统计", "work_coverage", 10},
    STD_END};
static const struct std_def s_institution[] = {
    {"党组织设置与行政架构相适应", "组织架构图", "", 10},
    {"“三会一课”制度落实", "会议记录", "", 10},
    {"主题党日每月开展", "活动记录", "", 10},
    {"党建与业务工作深度融合", "融合项目台账", "", 15},
    {"党员先锋岗、示范岗作用发挥", "岗位名单和事迹", "", 10},
    {"到驻地社区报到，参与共建", "共建协议、服务记录", "", 10},
    {"发展党员和教育管理规范", "发展党员档案", "", 10},
    {"党费按时足额收缴", "党费收缴台账", "", 10},
    {"党组织活动经常，工作覆盖到位", "平台自动统计", "work_coverage", 15},
    STD_END};
static const struct std_def s_soe[] = {
    {"党建工作写入公司章程", "公司章程", "", 10},
    {"“双向进入、交叉任职”落实", "任职文件", "", 10},
    {"“三会一课”制度落实", "会议记录", "", 10},
    {"主题党日每月开展", "活动记录", "", 10},
    {"党组织前置研究重大事项", "前置研究清单", "", 10},
    {"党员先锋岗、责任区作用发挥", "岗位名单", "", 10},
    {"党建带工建、团建", "群团活动记录", "", 10},
    {"到驻地社区报到，参与共建", "共建协议、服务记录", "", 10},
    {"党费按时足额收缴", "党费收缴台账", "", 10},
    {"党组织活动经常，工作覆盖到位", "平台自动统计", "work_coverage", 10},
    STD_END};
static const struct std_def s_private[] = {
    {"党组织应建尽建，隶属关系清楚", "批复文件", "", 10},
    {"活动场所“六有”达标", "场所照片", "", 10},
    {"“三会一课”制度落实", "会议记录", "", 10},
    {"主题党日每月开展", "活动记录", "", 10},
    {"党员发展和流动党员管理", "发展党员档案、流动党员台账", "", 10},
    {"引领企业健康发展", "企业发展情况说明", "", 10},
    {"关心关爱职工，构建和谐劳动关系", "职工座谈记录", "", 10},
    {"出资人支持党建工作", "出资人承诺书", "", 10},
    {"党费按时足额收缴", "党费收缴台账", "", 10},
    {"党组织活动经常，工作覆盖到位", "平台自动统计", "work_coverage", 10},
    STD_END};
static const struct std_def s_social[] = {
    {"党建工作写入社会组织章程", "章程", "", 10},
    {"党组织应建尽建（或选派党建指导员）", "批复或选派文件", "", 10},
    {"“三会一课”制度落实", "会议记录", "", 10},
    {"主题党日每月开展", "活动记录", "", 10},
    {"公益服务项目体现党组织作用", "项目台账", "", 15},
    {"年检年报中党建情况审查", "年检材料", "", 10},
    {"党员亮身份、作表率", "党员公开承诺", "", 10},
    {"党费按时足额收缴", "党费收缴台账", "", 10},
    {"党组织活动经常，工作覆盖到位", "平台自动统计", "work_coverage", 15},
    STD_END};

static const struct {
	const char *domain;
	const struct std_def *items;
} std_sets[] = {{"community", s_community},     {"agency", s_agency},
                {"institution", s_institution}, {"soe", s_soe},
                {"private", s_private},         {"social", s_social}};

/* Twelve resident units beside the seed's four, in the seed communities. */
static const struct {
	const char *code, *name, *community, *domain;
} more_units[] = {
    {"91420200U00011", "国网黄石供电公司", "420203009002", "soe"},
    {"91420200U00012", "黄石日报社", "420203009002", "institution"},
    {"91420200U00013", "黄石市自来水公司", "420205003001", "soe"},
    {"91420200U00014", "黄石海关", "420205003001", "agency"},
    {"91420200U00015", "黄石市中心医院", "420202005003", "institution"},
    {"91420200U00016", "中国银行黄石分行", "420202005003", "soe"},
    {"91420200U00017", "黄石移动分公司", "420202007003", "soe"},
    {"91420200U00018", "黄石市燃气公司", "420202007003", "soe"},
    {"91420200U00019", "黄石市邮政分公司", "420205003006", "soe"},
    {"91420200U00020", "黄石市税务局直属分局", "420205003006", "agency"},
    {"91420200U00021", "黄石市第二中学", "420203009002", "institution"},
    {"91420200U00022", "黄石港区人民法院", "420205003001", "agency"},
};

/* Quality of each unit's year (by code order): six under 80. */
static int unit_quality(int k)
{
	static const int q[] = {92, 88, 71, 86, 95, 76, 84, 69, 90, 87, 74, 83, 78, 91, 66, 85};
	return q[k % 16];
}

static int standards(struct db *db, int64_t now, struct xf_err *err)
{
	struct actor sys = {.user_id = 0, .role = "admin"};
	for (size_t s = 0; s < XF_ARRAY_LEN(std_sets); s++)
		for (const struct std_def *d = std_sets[s].items; d->title; d++) {
			json_t *b = json_pack("{s:s, s:s, s:i, s:s, s:s}", "domain",
			                      std_sets[s].domain, "title", d->title, "weight",
			                      d->weight, "evidence", d->evidence, "source",
			                      d->source),
			       *out = NULL;
			int rc = review_standard_create(db, &sys, b, 0, now, &out, err);
			json_decref(b);
			json_decref(out);
			if (rc != XF_OK)
				return rc;
		}
	return XF_OK;
}

struct people {
	int64_t root, admin, shequ, jiedao, shenpi;
};

/* Self-assessment at quality q (percent), then the street's review a little lower. */
static int sheet(struct db *db, const struct people *p, int64_t org, int year, int q, int64_t when,
                 int64_t *score, struct xf_err *err)
{
	struct actor branch = {.user_id = p->shequ, .role = "admin", .place_id = p->root},
	             street = {.user_id = p->jiedao, .role = "admin", .place_id = p->root};
	json_t *sheet_q = json_pack("{s:I, s:i}", "org_id", (json_int_t)org, "year", year), *sh;
	int rc = review_assessment_get(db, &branch, sheet_q, 0, when, &sh, err);
	json_decref(sheet_q);
	if (rc != XF_OK)
		return rc;
	json_t *self = json_array(), *rev = json_array(), *it;
	size_t i;
	json_array_foreach(json_object_get(sh, "items"), i, it)
	{
		if (*json_string_value(json_object_get(it, "source")))
			continue;
		int64_t w = json_integer_value(json_object_get(it, "weight"));
		int64_t s = (w * (q + (int)(i % 3) * 3) + 50) / 100, r = (w * (q - 2) + 50) / 100;
		s = s > w ? w : s;
		r = r < 0 ? 0 : r > w ? w : r;
		json_array_append_new(
		    self, json_pack("{s:I, s:I, s:s}", "standard_id",
		                    json_integer_value(json_object_get(it, "standard_id")), "score",
		                    (json_int_t)s, "evidence",
		                    json_string_value(json_object_get(it, "evidence_required"))));
		json_array_append_new(
		    rev,
		    json_pack("{s:I, s:I, s:s}", "standard_id",
		              json_integer_value(json_object_get(it, "standard_id")), "score",
		              (json_int_t)r, "note", r < s ? "材料不够完整，酌情扣分" : "属实"));
	}
	json_decref(sh);
	json_t *b = json_pack("{s:I, s:i, s:o}", "org_id", (json_int_t)org, "year", year, "items",
	                      self),
	       *out = NULL;
	rc = review_assessment_submit(db, &branch, b, 0, when, &out, err);
	json_decref(b);
	int64_t aid = rc == XF_OK ? json_integer_value(json_object_get(out, "assessment_id")) : 0;
	json_decref(out);
	out = NULL;
	b = json_pack("{s:o}", "items", rev);
	if (rc == XF_OK)
		rc = review_assessment_review(db, &street, b, aid, when + 7 * 86400, &out, err);
	json_decref(b);
	if (rc == XF_OK)
		*score = json_integer_value(json_object_get(out, "review_score"));
	json_decref(out);
	return rc;
}

static int rate(struct db *db, const struct people *p, int64_t org, int year, const char *rating,
                const char *reason, int64_t when, bool approve, struct xf_err *err)
{
	struct actor street = {.user_id = p->jiedao, .role = "admin", .place_id = p->root},
	             approver = {.user_id = p->shenpi, .role = "approver", .place_id = p->root};
	json_t *b = json_pack("{s:I, s:i, s:s, s:s}", "org_id", (json_int_t)org, "year", year,
	                      "rating", rating, "reason", reason),
	       *out = NULL;
	int rc = review_rating_propose(db, &street, b, 0, when, &out, err);
	json_decref(b);
	int64_t rid = rc == XF_OK ? json_integer_value(json_object_get(out, "id")) : 0;
	json_decref(out);
	out = NULL;
	if (rc == XF_OK && approve) {
		b = json_pack("{s:s}", "note", "同意");
		rc = review_rating_approve(db, &approver, b, rid, when + 3 * 86400, &out, err);
		json_decref(b);
		json_decref(out);
	}
	return rc;
}

static int plan(struct db *db, const struct people *p, int64_t org, const char *problems,
                const char *measures, int64_t when, int64_t deadline, int64_t *id,
                struct xf_err *err)
{
	struct actor street = {.user_id = p->jiedao, .role = "admin", .place_id = p->root};
	json_t *b = json_pack("{s:I, s:s, s:s, s:I}", "org_id", (json_int_t)org, "problems",
	                      problems, "measures", measures, "deadline", (json_int_t)deadline),
	       *out = NULL;
	int rc = review_plan_create(db, &street, b, 0, when, &out, err);
	json_decref(b);
	if (rc == XF_OK)
		*id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return rc;
}

static int followup(struct db *db, const struct people *p, int64_t plan_id, const char *note,
                    bool done, int64_t when, struct xf_err *err)
{
	struct actor a = {
	    .user_id = done ? p->jiedao : p->shequ, .role = "admin", .place_id = p->root};
	json_t *b = json_pack("{s:s, s:b}", "note", note, "done", done), *out = NULL;
	int rc = review_plan_followup(db, &a, b, plan_id, when, &out, err);
	json_decref(b);
	json_decref(out);
	return rc;
}

static int64_t org_by_code(struct db *db, const char *code)
{
	int64_t id = 0;
	struct xf_err e;
	db_int(db, &e, &id, "SELECT id FROM orgs WHERE code = ?", "t", code);
	return id;
}

static int branches(struct db *db, const struct people *p, int year, int64_t now,
                    struct xf_err *err)
{
	int64_t promoted = org_by_code(db, "P420203009002002"),
	        rectifying = org_by_code(db, "P420203009002003"),
	        rectifying2 = org_by_code(db, "P420205003001002"),
	        waiting = org_by_code(db, "P420203009002");
	/* 整顿晋级: rated 整顿 last year, a plan carried out, promoted this year. */
	int64_t score = 0, pid = 0, last = now - 330 * 86400;
	int rc = XF_OK;
	if (promoted) {
		if ((rc = sheet(db, p, promoted, year - 1, 45, last, &score, err)) != XF_OK ||
		    (rc = rate(db, p, promoted, year - 1, "rectify",
		               "复核得分不足 60 分：“三会一课”记录缺失，主题党日多月未开展",
		               last + 10 * 86400, true, err)) != XF_OK ||
		    (rc = plan(db, p, promoted,
		               "“三会一课”记录缺失；主题党日连续 5 个月未开展；党费收缴不及时",
		               "补齐会议记录；每月固定第一个周五开展主题党日；党费按月收缴并公示",
		               last + 15 * 86400, last + 120 * 86400, &pid, err)) != XF_OK ||
		    (rc = followup(db, p, pid, "已补齐支委会记录，恢复主题党日", false,
		                   last + 60 * 86400, err)) != XF_OK ||
		    (rc = followup(db, p, pid, "现场查看：三个月主题党日均按时开展，党费已公示",
		                   true, last + 110 * 86400, err)) != XF_OK ||
		    (rc = sheet(db, p, promoted, year, 82, now - 40 * 86400, &score, err)) !=
		        XF_OK ||
		    (rc = rate(db, p, promoted, year, "standard",
		               "整改完成，复核达标，晋级为标准型", now - 30 * 86400, true, err)) !=
		        XF_OK)
			return rc;
	}
	/* Under 整顿 now, with an open plan (one in 大智路, one in 友爱街). */
	int64_t under[2] = {rectifying, rectifying2};
	for (int k = 0; k < 2; k++)
		if (under[k] &&
		    ((rc = sheet(db, p, under[k], year, 40, now - 60 * 86400, &score, err)) !=
		         XF_OK ||
		     (rc = rate(db, p, under[k], year, "rectify",
		                "复核得分不足 60 分：支部班子不健全，党员长期不参加组织生活",
		                now - 50 * 86400, true, err)) != XF_OK ||
		     (rc =
		          plan(db, p, under[k], "支部委员缺额 2 名；6 名党员半年以上未参加组织生活",
		               "年底前补选支委；逐一谈心谈话，建立党员联系卡", now - 45 * 86400,
		               now + 45 * 86400, &pid, err)) != XF_OK ||
		     (rc = followup(db, p, pid, "已完成 4 名党员谈心谈话，补选工作已报街道党工委",
		                    false, now - 10 * 86400, err)) != XF_OK))
			return rc;
	/* Everyone else in the seed communities and a hundred more community branches. */
	struct db_stmt *st = db_prep(
	    db,
	    "SELECT o.id FROM orgs o JOIN places p ON p.id = o.place_id WHERE o.kind IN"
	    " ('community_party', 'grid_branch', 'unit_party') AND (substr(p.code, 1, 12) IN"
	    " ('420203009002', '420205003001', '420202005003', '420205003006', '420202007003')"
	    " OR o.id IN (SELECT x.id FROM orgs x WHERE x.kind = 'community_party' ORDER BY x.id"
	    " LIMIT 100)) ORDER BY o.id LIMIT 400",
	    err);
	if (!st)
		return err->status;
	int64_t ids[400];
	int n = 0;
	while (n < 400 && (rc = db_step(st, err)) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	if (rc == DB_ROW)
		db_reset(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		if (ids[i] == promoted || ids[i] == rectifying || ids[i] == rectifying2)
			continue;
		int q = 68 + (int)((ids[i] * 37) % 31);
		if ((rc = sheet(db, p, ids[i], year, q, now - 40 * 86400, &score, err)) != XF_OK)
			return rc;
		const char *band = review_band(score);
		char reason[160];
		snprintf(reason, sizeof reason, "复核得分 %lld 分，对标评定为%s", (long long)score,
		         review_rating_label(band));
		/* 大智路's committee waits for the approver. */
		if ((rc = rate(db, p, ids[i], year, band, reason, now - 20 * 86400,
		               ids[i] != waiting, err)) != XF_OK)
			return rc;
		if (strcmp(band, "rectify") == 0 && ids[i] != waiting &&
		    (rc = plan(db, p, ids[i], "复核得分不足 60 分，多项标准未达标",
		               "对照标准逐项整改，街道每月督导", now - 15 * 86400, now + 75 * 86400,
		               &pid, err)) != XF_OK)
			return rc;
	}
	return XF_OK;
}

/* A 文明共创 campaign at place with its units, each scored at its year's quality. */
static int campaign(struct db *db, const struct people *p, int64_t place, const char *kind,
                    const char *title, const char *target, int64_t from, int64_t to, json_t *units,
                    const int64_t *ids, const int *q, int n, int64_t now, struct xf_err *err)
{
	struct actor a = {.user_id = p->jiedao, .role = "admin", .place_id = p->root};
	json_t *b = json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:O}", "place_id", (json_int_t)place,
	                      "kind", kind, "title", title, "target", target, "starts_at",
	                      (json_int_t)from, "ends_at", (json_int_t)to, "units", units),
	       *out = NULL;
	int rc = review_campaign_create(db, &a, b, 0, from - 20 * 86400, &out, err);
	json_decref(b);
	int64_t cid = rc == XF_OK ? json_integer_value(json_object_get(out, "id")) : 0;
	json_decref(out);
	size_t k;
	json_t *u;
	json_array_foreach(units, k, u)
	{
		if (rc != XF_OK)
			break;
		int i = 0;
		while (i < n && ids[i] != json_integer_value(u))
			i++;
		b = json_pack("{s:I, s:i, s:s}", "unit_org_id", json_integer_value(u), "score",
		              q[i], "note",
		              q[i] < 80 ? "责任区多次检查不达标" : "责任区保持整洁，劝导到位");
		out = NULL;
		rc = review_campaign_result(db, &a, b, cid, to, &out, err);
		json_decref(b);
		json_decref(out);
	}
	return rc;
}

static int units(struct db *db, const struct people *p, int year, int64_t now, struct xf_err *err)
{
	int rc;
	for (size_t i = 0; i < XF_ARRAY_LEN(more_units); i++) {
		int64_t place = 0, party = 0, unit = 0;
		struct xf_err e;
		if (db_int(db, &e, &place, "SELECT id FROM places WHERE code = ?", "t",
		           more_units[i].community) != XF_OK)
			continue;
		char code[48], name[128];
		snprintf(code, sizeof code, "P%s", more_units[i].code);
		snprintf(name, sizeof name, "%s党委", more_units[i].name);
		struct org_in pin = {.code = code,
		                     .name = name,
		                     .kind = "unit_party",
		                     .domain = more_units[i].domain,
		                     .built_on = "",
		                     .place_id = place,
		                     .now = now};
		if ((rc = registry_org_create(db, &pin, &party, err)) != XF_OK)
			return rc;
		struct org_in uin = {.code = more_units[i].code,
		                     .name = more_units[i].name,
		                     .kind = "resident_unit",
		                     .domain = "",
		                     .built_on = "",
		                     .place_id = place,
		                     .party_org_id = party,
		                     .now = now};
		if ((rc = registry_org_create(db, &uin, &unit, err)) != XF_OK)
			return rc;
	}
	/* Every resident unit in the seed communities: its community and its street evaluate. */
	struct db_stmt *st = db_prep(db,
	                             "SELECT o.id, o.place_id FROM orgs o WHERE o.kind ="
	                             " 'resident_unit' ORDER BY o.code LIMIT 64",
	                             err);
	if (!st)
		return err->status;
	int64_t ids[64], places[64];
	int n = 0;
	while (n < 64 && (rc = db_step(st, err)) == DB_ROW) {
		ids[n] = db_col_int(st, 0);
		places[n++] = db_col_int(st, 1);
	}
	if (rc == DB_ROW)
		db_reset(st);
	if (rc < 0)
		return rc;
	static const char *comments[] = {
	    "报到及时，共建项目落实到位，群众反映好", "积极参与社区工作日，文明创建出力多",
	    "共建项目进度偏慢，报到党员参与活动少", "资源开放不够，需求清单认领不积极"};
	int64_t chengyue = 0, dazhi = 0;
	struct xf_err e;
	db_int(db, &e, &chengyue, "SELECT id FROM places WHERE code = '420203009000'", "");
	db_int(db, &e, &dazhi, "SELECT id FROM places WHERE code = '420203009002'", "");
	int q[64];
	json_t *street_units = json_array(), *dazhi_units = json_array();
	for (int i = 0; i < n; i++) {
		int64_t community = 0, street = 0;
		if ((rc = registry_ancestor_of_kind(db, places[i], "community", &community, err)) !=
		        XF_OK ||
		    (rc = registry_ancestor_of_kind(db, places[i], "street", &street, err)) !=
		        XF_OK)
			break;
		q[i] = unit_quality(i);
		for (int side = 0; side < 2 && rc == XF_OK; side++) {
			int v = side ? q[i] + 2 : q[i];
			v = v > 100 ? 100 : v;
			int d = v / 4, r = v % 4;
			struct actor ev = {.user_id = side ? p->jiedao : p->shequ,
			                   .role = side ? "street_official" : "community_official",
			                   .place_id = side ? street : community};
			json_t *b = json_pack("{s:I, s:i, s:i, s:i, s:i, s:i, s:s}", "unit_org_id",
			                      (json_int_t)ids[i], "year", year, "duty", d + (r > 0),
			                      "projects", d + (r > 1), "service", d + (r > 2),
			                      "civic", d, "comment",
			                      comments[(q[i] < 80 ? 2 : 0) + side]),
			       *out = NULL;
			rc = review_unit_evaluate(db, &ev, b, 0, now, &out, err);
			json_decref(b);
			json_decref(out);
		}
		/* 澄月街道's units take part in its 文明城市 campaign, 大智路's also in the
		 * community's 卫生城市 one. */
		if (chengyue && street == chengyue)
			json_array_append_new(street_units, json_integer(ids[i]));
		if (dazhi && community == dazhi)
			json_array_append_new(dazhi_units, json_integer(ids[i]));
	}
	struct tm s = {.tm_year = year - 1900, .tm_mon = 2, .tm_mday = 1},
	          f = {.tm_year = year - 1900, .tm_mon = 9, .tm_mday = 31};
	int64_t from = (int64_t)timegm(&s) - 8 * 3600, to = (int64_t)timegm(&f) - 8 * 3600;
	if (rc == XF_OK && json_array_size(street_units))
		rc = campaign(db, p, chengyue, "civilized_city", "澄月街道创建全国文明城市共建行动",
		              "背街小巷环境整治 100%，公益广告全覆盖，文明交通劝导每周不少于 2 次",
		              from, to, street_units, ids, q, n, now, err);
	if (rc == XF_OK && json_array_size(dazhi_units))
		rc = campaign(db, p, dazhi, "hygienic_city", "大智路社区巩固国家卫生城市共建",
		              "单位责任区“门前三包”达标，每月集中清理卫生死角一次",
		              from + 30 * 86400, to - 30 * 86400, dazhi_units, ids, q, n, now, err);
	json_decref(street_units);
	json_decref(dazhi_units);
	return rc;
}

/* 民主评议 of 赵卫东's branch: the rating follows the sheet. */
static int members(struct db *db, const struct people *p, int year, int64_t now, struct xf_err *err)
{
	int64_t branch = org_by_code(db, "P420203009002001");
	if (!branch)
		return XF_OK;
	struct actor sec = {.user_id = p->shequ, .role = "admin", .place_id = p->root};
	json_t *q = json_pack("{s:I, s:i}", "org_id", (json_int_t)branch, "year", year), *out;
	int rc = review_member_sheets(db, &sec, q, 0, now, &out, err);
	json_decref(q);
	if (rc != XF_OK)
		return rc;
	json_t *items = json_incref(json_object_get(out, "items")), *it;
	json_decref(out);
	size_t i;
	json_array_foreach(items, i, it)
	{
		/* Leave a few for the branch meeting still to come. */
		if (i % 5 == 4)
			continue;
		bool blocked = json_is_true(json_object_get(it, "serving")) &&
		               !json_is_true(json_object_get(it, "reported"));
		int64_t acts = json_integer_value(json_object_get(it, "activities")),
		        wishes = json_integer_value(json_object_get(it, "wishes_fulfilled"));
		const char *rating = blocked                   ? "basically_qualified"
		                     : acts >= 4 && wishes > 0 ? "excellent"
		                                               : "qualified";
		json_t *b = json_pack("{s:i, s:s, s:s}", "year", year, "rating", rating, "note",
		                      blocked ? "未到居住地社区报到，限期报到" : "");
		rc = review_member_rate(db, &sec, b,
		                        json_integer_value(json_object_get(it, "person_id")), now,
		                        &out, err);
		json_decref(b);
		if (rc == XF_OK)
			json_decref(out);
		else
			break;
	}
	json_decref(items);
	return rc;
}

int review_demo(struct db *db, bool city, int64_t now, struct xf_err *err)
{
	(void)city;
	struct people p = {0};
	struct xf_err e;
	db_int(db, &e, &p.root, "SELECT id FROM places WHERE parent_id IS NULL ORDER BY id LIMIT 1",
	       "");
	db_int(db, &e, &p.admin, "SELECT id FROM users WHERE username = 'admin'", "");
	db_int(db, &e, &p.shequ, "SELECT id FROM users WHERE username = 'shequ'", "");
	db_int(db, &e, &p.jiedao, "SELECT id FROM users WHERE username = 'jiedao'", "");
	db_int(db, &e, &p.shenpi, "SELECT id FROM users WHERE username = 'shenpi'", "");
	time_t t = (time_t)(now + 8 * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	int year = tm.tm_year + 1900, rc;
	if ((rc = standards(db, now, err)) != XF_OK ||
	    (rc = branches(db, &p, year, now, err)) != XF_OK ||
	    (rc = units(db, &p, year, now, err)) != XF_OK ||
	    (rc = members(db, &p, year, now, err)) != XF_OK)
		return rc;
	return XF_OK;
}
