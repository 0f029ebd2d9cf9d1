-- 民情闭环: resident cases from every channel to a rated result. Categories with SLA tiers
-- (configurable per deployment), cases with their deadlines and the level now handling them,
-- every transition as an event (who, when, on whose behalf), photos with their metadata
-- stripped, follow-up calls (回访), and settings.

CREATE TABLE case_tiers (
	tier       TEXT PRIMARY KEY CHECK (tier IN ('emergency', 'utilities', 'general', 'complex')),
	name       TEXT NOT NULL,
	dispatch_s INTEGER,          -- accept within (NULL: no dispatch deadline)
	feedback_s INTEGER NOT NULL  -- reply within
) STRICT;
INSERT INTO case_tiers VALUES ('emergency', '紧急（人身财产安全）', 3600, 7200);
INSERT INTO case_tiers VALUES ('utilities', '水电气暖、极端天气', 7200, 86400);
INSERT INTO case_tiers VALUES ('general', '一般', 86400, 604800);
INSERT INTO case_tiers VALUES ('complex', '复杂', NULL, 1296000);

CREATE TABLE case_categories (
	code        TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	tier        TEXT NOT NULL REFERENCES case_tiers(tier),
	grp         TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	keywords    TEXT NOT NULL DEFAULT '',
	active      INTEGER NOT NULL DEFAULT 1
) STRICT;
INSERT INTO case_categories VALUES ('safety_hazard', '安全隐患（燃气泄漏、电线老化等）', 'emergency', '安全', '危及人身财产安全、需要立即处置的隐患', '燃气,漏电,火灾,坠物', 1);
INSERT INTO case_categories VALUES ('water_power', '停水停电、供气供暖', 'utilities', '公用事业', '水、电、气、暖中断或异常', '停水,停电,燃气,暖气', 1);
INSERT INTO case_categories VALUES ('road_light', '道路与路灯', 'general', '市政', '路面破损、井盖缺失、路灯不亮', '路面,井盖,路灯', 1);
INSERT INTO case_categories VALUES ('sanitation', '环境卫生', 'general', '环境', '垃圾清运、楼道堆物、污水', '垃圾,堆物,污水', 1);
INSERT INTO case_categories VALUES ('property', '物业服务', 'general', '小区', '电梯、门禁、绿化、物业收费', '电梯,门禁,物业', 1);
INSERT INTO case_categories VALUES ('neighbour', '邻里纠纷', 'general', '调解', '噪音、漏水、占道等邻里矛盾', '噪音,漏水,纠纷', 1);
INSERT INTO case_categories VALUES ('elderly_care', '为老服务', 'general', '民生', '独居老人照护、助餐、助浴', '老人,助餐', 1);
INSERT INTO case_categories VALUES ('public_order', '治安秩序', 'general', '平安', '可疑人员、群租、乱停车', '治安,群租,停车', 1);
INSERT INTO case_categories VALUES ('old_estate', '老旧小区改造', 'complex', '小区', '加装电梯、管网改造、屋面防水', '改造,加装电梯,管网', 1);
INSERT INTO case_categories VALUES ('policy', '政策咨询与求助', 'general', '民生', '低保、就业、医保等政策咨询', '低保,就业,医保', 1);

CREATE TABLE cases (
	id                 INTEGER PRIMARY KEY,
	category           TEXT NOT NULL REFERENCES case_categories(code),
	title              TEXT NOT NULL,
	description        TEXT NOT NULL,
	place_id           INTEGER NOT NULL REFERENCES places(id),  -- where it is
	community_id       INTEGER REFERENCES places(id),           -- its community (public view)
	handling_place_id  INTEGER NOT NULL REFERENCES places(id),  -- the level handling it now
	status             TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'assigned', 'replied', 'closed', 'returned', 'reopened')),
	channel            TEXT NOT NULL CHECK (channel IN ('mobile', 'staff', 'station', 'mailbox', 'building_group', '12345', 'open311')),
	public             INTEGER NOT NULL DEFAULT 0,
	reporter_user_id   INTEGER REFERENCES users(id),
	reporter_person_id INTEGER REFERENCES people(id),
	entered_by         INTEGER REFERENCES users(id),            -- staff entering on someone's behalf
	external_source    TEXT,                                    -- '12345', 'open311'
	external_id        TEXT,
	token              TEXT UNIQUE,                             -- Open311 token
	studio_org_id      INTEGER REFERENCES orgs(id),             -- addressed to a 党代表工作室
	source_token_id    INTEGER REFERENCES api_tokens(id),        -- the API token that posted it
	assignee_person_id INTEGER REFERENCES people(id),
	assignee_org_id    INTEGER REFERENCES orgs(id),
	lat                REAL,
	lng                REAL,
	round              INTEGER NOT NULL DEFAULT 1,
	unsatisfied        INTEGER NOT NULL DEFAULT 0,
	rating             TEXT CHECK (rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
	rated_round        INTEGER NOT NULL DEFAULT 0,
	escalations        INTEGER NOT NULL DEFAULT 0,
	dispatch_due_at    INTEGER,
	due_at             INTEGER NOT NULL,   -- the current reply deadline
	sla_due_at         INTEGER NOT NULL,   -- the first one (响应率 is measured against it)
	warned_at          INTEGER,            -- deadline reminder sent for the current due_at
	accepted_at        INTEGER,
	replied_at         INTEGER,
	replied_by         INTEGER REFERENCES users(id),
	closed_at          INTEGER,
	sampled            INTEGER NOT NULL DEFAULT 0,  -- drawn for a 回访 call
	followup_outcome   TEXT,
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL,
	district_id        INTEGER,
	UNIQUE (external_source, external_id)
) STRICT;
CREATE INDEX cases_place ON cases(place_id, status);
CREATE INDEX cases_community ON cases(community_id, category, created_at);
CREATE INDEX cases_open_due ON cases(status, due_at);
CREATE INDEX cases_reporter ON cases(reporter_user_id);
CREATE INDEX cases_studio ON cases(studio_org_id);

CREATE TABLE case_events (
	id                  INTEGER PRIMARY KEY,
	case_id             INTEGER NOT NULL REFERENCES cases(id),
	action              TEXT NOT NULL,
	from_status         TEXT NOT NULL DEFAULT '',
	to_status           TEXT NOT NULL,
	actor_user_id       INTEGER REFERENCES users(id),  -- NULL: the system (scheduler)
	actor_role          TEXT NOT NULL DEFAULT '',
	on_behalf_person_id INTEGER REFERENCES people(id),
	place_id            INTEGER REFERENCES places(id), -- the handling level after the event
	text                TEXT NOT NULL DEFAULT '',
	detail              TEXT NOT NULL DEFAULT '',      -- JSON: assignee, rating, outcome…
	created_at          INTEGER NOT NULL,
	district_id         INTEGER
) STRICT;
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE TABLE case_photos (
	id         INTEGER PRIMARY KEY,
	case_id    INTEGER NOT NULL REFERENCES cases(id),
	mime       TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
	bytes      BLOB NOT NULL,
	size       INTEGER NOT NULL,
	sha256     TEXT NOT NULL,
	user_id    INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX case_photos_case ON case_photos(case_id);

-- The 12345 bridge and other integrators receive case changes at a webhook of their token.
ALTER TABLE api_tokens ADD COLUMN webhook_url TEXT NOT NULL DEFAULT '';
