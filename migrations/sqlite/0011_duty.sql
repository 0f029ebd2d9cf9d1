-- Delegates and 书记工程: the 党代表工作室's visits and receptions, the half-yearly 述职评议
-- and 询问质询; duty lists (任务清单、责任清单、问题清单) per level with their follow-ups,
-- fed also by joint-meeting decisions and site-review findings; leading groups and the
-- four-level 党建联席会议; 挂点领导 as 指导员; the 负面清单 of red lines with violations;
-- quarterly 现场观摩会.

CREATE TABLE delegate_visits (
	id            INTEGER PRIMARY KEY,
	studio_org_id INTEGER NOT NULL REFERENCES orgs(id),
	person_id     INTEGER NOT NULL REFERENCES people(id),   -- the delegate
	kind          TEXT NOT NULL CHECK (kind IN ('visit', 'reception')),
	held_at       INTEGER NOT NULL,
	topic         TEXT NOT NULL,
	summary       TEXT NOT NULL DEFAULT '',
	people        INTEGER NOT NULL DEFAULT 0,
	created_by    INTEGER REFERENCES users(id),
	created_at    INTEGER NOT NULL,
	district_id   INTEGER
) STRICT;
CREATE INDEX delegate_visits_studio ON delegate_visits(studio_org_id, held_at);
CREATE INDEX delegate_visits_person ON delegate_visits(person_id);

-- 述职评议: the delegate's report for a half year, then the studio's community scores it.
CREATE TABLE delegate_reviews (
	id            INTEGER PRIMARY KEY,
	studio_org_id INTEGER NOT NULL REFERENCES orgs(id),
	person_id     INTEGER NOT NULL REFERENCES people(id),
	year          INTEGER NOT NULL,
	half          INTEGER NOT NULL CHECK (half IN (1, 2)),
	report        TEXT NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('reported', 'scored')),
	score         INTEGER CHECK (score BETWEEN 0 AND 100),
	grade         TEXT CHECK (grade IN ('excellent', 'good', 'pass', 'fail')),
	comment       TEXT NOT NULL DEFAULT '',
	scored_by     INTEGER REFERENCES users(id),
	scored_at     INTEGER,
	created_at    INTEGER NOT NULL,
	district_id   INTEGER,
	UNIQUE (person_id, year, half)
) STRICT;
CREATE INDEX delegate_reviews_studio ON delegate_reviews(studio_org_id);

-- 询问质询: a delegate's question to a department, and its answer.
CREATE TABLE delegate_inquiries (
	id            INTEGER PRIMARY KEY,
	studio_org_id INTEGER NOT NULL REFERENCES orgs(id),
	person_id     INTEGER NOT NULL REFERENCES people(id),
	kind          TEXT NOT NULL CHECK (kind IN ('inquiry', 'interpellation')),
	target        TEXT NOT NULL,
	subject       TEXT NOT NULL,
	content       TEXT NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('open', 'answered')),
	answer        TEXT NOT NULL DEFAULT '',
	answered_by   INTEGER REFERENCES users(id),
	answered_at   INTEGER,
	created_by    INTEGER REFERENCES users(id),
	created_at    INTEGER NOT NULL,
	district_id   INTEGER
) STRICT;
CREATE INDEX delegate_inquiries_studio ON delegate_inquiries(studio_org_id, status);

-- 党建联席会议 (four levels) and 领导小组 meetings; their decisions are duty items.
CREATE TABLE joint_meetings (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL REFERENCES places(id),
	body        TEXT NOT NULL CHECK (body IN ('joint_meeting', 'leading_group')),
	title       TEXT NOT NULL,
	held_at     INTEGER NOT NULL,
	agenda      TEXT NOT NULL,
	attendees   TEXT NOT NULL DEFAULT '',
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;
CREATE INDEX joint_meetings_place ON joint_meetings(place_id, held_at);

-- 现场观摩会: quarterly, at a level; its findings (现场看) are duty items (当场办、盯着干).
CREATE TABLE site_reviews (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL REFERENCES places(id),
	year        INTEGER NOT NULL,
	quarter     INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
	title       TEXT NOT NULL,
	held_at     INTEGER NOT NULL,
	host        TEXT NOT NULL DEFAULT '',
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	district_id INTEGER,
	UNIQUE (place_id, year, quarter)
) STRICT;

-- 任务清单 / 责任清单 / 问题清单 at the city, a district, a street or a community. Overdue is
-- computed (open and past due_at), never stored.
CREATE TABLE duty_items (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL REFERENCES places(id),
	level       TEXT NOT NULL CHECK (level IN ('city', 'district', 'street', 'community')),
	list        TEXT NOT NULL CHECK (list IN ('task', 'responsibility', 'problem')),
	title       TEXT NOT NULL,
	content     TEXT NOT NULL DEFAULT '',
	owner       TEXT NOT NULL,
	due_at      INTEGER NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('open', 'done')),
	done_at     INTEGER,
	meeting_id  INTEGER REFERENCES joint_meetings(id),
	review_id   INTEGER REFERENCES site_reviews(id),
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;
CREATE INDEX duty_items_place ON duty_items(place_id, status, due_at);
CREATE INDEX duty_items_meeting ON duty_items(meeting_id);
CREATE INDEX duty_items_review ON duty_items(review_id);

CREATE TABLE duty_notes (
	id         INTEGER PRIMARY KEY,
	item_id    INTEGER NOT NULL REFERENCES duty_items(id),
	note       TEXT NOT NULL,
	done       INTEGER NOT NULL DEFAULT 0,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX duty_notes_item ON duty_notes(item_id);

-- 挂点领导: a city or district leader assigned to a street or community as its 指导员.
CREATE TABLE instructors (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL REFERENCES places(id),
	person_id   INTEGER NOT NULL REFERENCES people(id),
	title       TEXT NOT NULL,
	started_at  INTEGER NOT NULL,
	ended_at    INTEGER,
	created_by  INTEGER REFERENCES users(id),
	district_id INTEGER
) STRICT;
CREATE INDEX instructors_place ON instructors(place_id);
CREATE INDEX instructors_person ON instructors(person_id);

-- 负面清单: the red lines of 书记工程 (configurable; retired lines stay for their records).
CREATE TABLE red_lines (
	id         INTEGER PRIMARY KEY,
	ord        INTEGER NOT NULL,
	category   TEXT NOT NULL,
	text       TEXT NOT NULL,
	active     INTEGER NOT NULL DEFAULT 1,
	updated_at INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE red_line_violations (
	id          INTEGER PRIMARY KEY,
	red_line_id INTEGER NOT NULL REFERENCES red_lines(id),
	place_id    INTEGER NOT NULL REFERENCES places(id),
	subject     TEXT NOT NULL,
	description TEXT NOT NULL,
	found_at    INTEGER NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('reported', 'handled')),
	handling    TEXT NOT NULL DEFAULT '',
	handled_by  INTEGER REFERENCES users(id),
	handled_at  INTEGER,
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;
CREATE INDEX red_line_violations_place ON red_line_violations(place_id, status);

-- 42 red lines to start from (a deployment edits, adds and retires them).
INSERT INTO red_lines(ord, category, text) VALUES (1, '政治纪律', '不得在公开场合发表与党的路线方针政策相违背的言论');
INSERT INTO red_lines(ord, category, text) VALUES (2, '政治纪律', '不得对上级党组织的决策部署搞变通、打折扣、做选择');
INSERT INTO red_lines(ord, category, text) VALUES (3, '政治纪律', '不得参与或纵容非法宗教活动、封建迷信活动');
INSERT INTO red_lines(ord, category, text) VALUES (4, '政治纪律', '不得隐瞒、迟报、漏报辖区重大风险和群体性事件苗头');
INSERT INTO red_lines(ord, category, text) VALUES (5, '组织纪律', '不得违反民主集中制，由书记个人决定“三重一大”事项');
INSERT INTO red_lines(ord, category, text) VALUES (6, '组织纪律', '不得擅自变更社区“两委”成员分工或违规选人用人');
INSERT INTO red_lines(ord, category, text) VALUES (7, '组织纪律', '不得不按规定召开党建联席会议或以会代干、会而不议');
INSERT INTO red_lines(ord, category, text) VALUES (8, '组织纪律', '不得对上级交办的任务清单敷衍塞责、超期不办又不说明');
INSERT INTO red_lines(ord, category, text) VALUES (9, '组织纪律', '不得在党员发展、转接组织关系中弄虚作假');
INSERT INTO red_lines(ord, category, text) VALUES (10, '组织纪律', '不得拒不执行挂点领导督办事项');
INSERT INTO red_lines(ord, category, text) VALUES (11, '廉洁纪律', '不得截留、挪用、挤占服务群众专项经费');
INSERT INTO red_lines(ord, category, text) VALUES (12, '廉洁纪律', '不得虚列支出、套取资金或违规发放补贴');
INSERT INTO red_lines(ord, category, text) VALUES (13, '廉洁纪律', '不得接受辖区单位、物业企业、商户的宴请和礼品礼金');
INSERT INTO red_lines(ord, category, text) VALUES (14, '廉洁纪律', '不得利用职务便利为亲友承揽社区工程或服务项目');
INSERT INTO red_lines(ord, category, text) VALUES (15, '廉洁纪律', '不得在低保、救助、保障房审核中优亲厚友');
INSERT INTO red_lines(ord, category, text) VALUES (16, '廉洁纪律', '不得违规收取办事费用或搭车收费');
INSERT INTO red_lines(ord, category, text) VALUES (17, '廉洁纪律', '不得将党群服务中心场地出租牟利或挪作他用');
INSERT INTO red_lines(ord, category, text) VALUES (18, '群众纪律', '不得对群众诉求推诿扯皮、冷硬横推');
INSERT INTO red_lines(ord, category, text) VALUES (19, '群众纪律', '不得在办理民情诉求时“只签收不办理”“只回复不解决”');
INSERT INTO red_lines(ord, category, text) VALUES (20, '群众纪律', '不得诱导、强迫群众给出满意评价');
INSERT INTO red_lines(ord, category, text) VALUES (21, '群众纪律', '不得泄露、倒卖居民个人信息');
INSERT INTO red_lines(ord, category, text) VALUES (22, '群众纪律', '不得以“不归我管”为由拒绝首问接待');
INSERT INTO red_lines(ord, category, text) VALUES (23, '群众纪律', '不得漠视独居老人、困难群众等重点人群的安全隐患');
INSERT INTO red_lines(ord, category, text) VALUES (24, '群众纪律', '不得在征收、拆迁、改造中侵害群众合法权益');
INSERT INTO red_lines(ord, category, text) VALUES (25, '工作纪律', '不得搞“指尖上的形式主义”，要求基层重复填报、打卡留痕');
INSERT INTO red_lines(ord, category, text) VALUES (26, '工作纪律', '不得层层加码向社区摊派不属于其职责的事项');
INSERT INTO red_lines(ord, category, text) VALUES (27, '工作纪律', '不得以签“责任状”方式把责任转嫁给社区');
INSERT INTO red_lines(ord, category, text) VALUES (28, '工作纪律', '不得编造、篡改统计数据和工作台账');
INSERT INTO red_lines(ord, category, text) VALUES (29, '工作纪律', '不得在现场观摩会中搞“盆景”、临时突击布置');
INSERT INTO red_lines(ord, category, text) VALUES (30, '工作纪律', '不得对现场观摩会交办问题“当场表态、会后不办”');
INSERT INTO red_lines(ord, category, text) VALUES (31, '工作纪律', '不得在工作时间脱岗、串岗且不向群众说明去向');
INSERT INTO red_lines(ord, category, text) VALUES (32, '工作纪律', '不得拒绝或拖延驻区单位、在职党员报到');
INSERT INTO red_lines(ord, category, text) VALUES (33, '工作纪律', '不得让在职党员“只报到不服务”“只挂名不出力”');
INSERT INTO red_lines(ord, category, text) VALUES (34, '工作纪律', '不得借共建名义向驻区单位索要赞助');
INSERT INTO red_lines(ord, category, text) VALUES (35, '工作纪律', '不得对党代表询问质询不答复或答复走过场');
INSERT INTO red_lines(ord, category, text) VALUES (36, '工作纪律', '不得在网格管理中“有格无人”“有人无责”');
INSERT INTO red_lines(ord, category, text) VALUES (37, '安全稳定', '不得对安全隐患排查发现的问题不整改、不上报');
INSERT INTO red_lines(ord, category, text) VALUES (38, '安全稳定', '不得在防汛、疫情等应急处置中临阵退缩、擅离职守');
INSERT INTO red_lines(ord, category, text) VALUES (39, '安全稳定', '不得对信访矛盾不化解、简单上交');
INSERT INTO red_lines(ord, category, text) VALUES (40, '生活纪律', '不得参与赌博、涉黄等违法活动');
INSERT INTO red_lines(ord, category, text) VALUES (41, '生活纪律', '不得在社区工作中酒后上岗、着装言行不当');
INSERT INTO red_lines(ord, category, text) VALUES (42, '生活纪律', '不得违反中央八项规定精神操办婚丧喜庆事宜');
