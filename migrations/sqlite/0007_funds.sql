-- 重心下移: special funds under published rules (money in integer fen), spending requests
-- with an approval chain and vouchers, the 党群服务中心 with rooms, upgrade projects and the
-- 六有 checklist, venues (centre rooms and rooms units open) with bookings, and community
-- cadres with certificates, pay, training and careers.

-- A published rule set: which categories are allowed or forbidden, the cap per request, and
-- who approves (data, not code).
CREATE TABLE fund_rulesets (
	id           INTEGER PRIMARY KEY,
	name         TEXT NOT NULL,
	published_at INTEGER NOT NULL,
	text         TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE fund_rule_items (
	ruleset_id    INTEGER NOT NULL REFERENCES fund_rulesets(id),
	category      TEXT NOT NULL,
	name          TEXT NOT NULL,
	allowed       INTEGER NOT NULL,          -- 0: on the forbidden list
	cap_fen       INTEGER,                   -- most one request may spend (NULL: no cap)
	approver_role TEXT NOT NULL DEFAULT 'community_official',
	second_fen    INTEGER,                   -- above this, a second approval
	second_role   TEXT NOT NULL DEFAULT 'street_official',
	PRIMARY KEY (ruleset_id, category)
) STRICT;

CREATE TABLE funds (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL REFERENCES places(id),
	org_id      INTEGER REFERENCES orgs(id),       -- a 行业党委's fund
	year        INTEGER NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('service', 'industry', 'centre')),
	name        TEXT NOT NULL,
	budget_fen  INTEGER NOT NULL CHECK (budget_fen >= 0),
	ruleset_id  INTEGER NOT NULL REFERENCES fund_rulesets(id),
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;
CREATE INDEX funds_place ON funds(place_id, year);

CREATE TABLE expenditures (
	id           INTEGER PRIMARY KEY,
	fund_id      INTEGER NOT NULL REFERENCES funds(id),
	category     TEXT NOT NULL,
	title        TEXT NOT NULL,
	amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
	outcome      TEXT NOT NULL DEFAULT '',   -- what it did (好事实事)
	deeds        INTEGER NOT NULL DEFAULT 1, -- how many 好事实事
	status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'paid')),
	steps        INTEGER NOT NULL,           -- approvals needed
	requested_by INTEGER NOT NULL REFERENCES users(id),
	created_at   INTEGER NOT NULL,
	decided_at   INTEGER,
	paid_at      INTEGER,
	district_id  INTEGER
) STRICT;
CREATE INDEX expenditures_fund ON expenditures(fund_id, status);

CREATE TABLE expenditure_approvals (
	expenditure_id INTEGER NOT NULL REFERENCES expenditures(id),
	step           INTEGER NOT NULL,
	user_id        INTEGER NOT NULL REFERENCES users(id),
	role           TEXT NOT NULL,
	decision       TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
	note           TEXT NOT NULL DEFAULT '',
	at             INTEGER NOT NULL,
	PRIMARY KEY (expenditure_id, step)
) STRICT;

CREATE TABLE vouchers (
	id             INTEGER PRIMARY KEY,
	expenditure_id INTEGER NOT NULL REFERENCES expenditures(id),
	mime           TEXT NOT NULL,
	bytes          BLOB NOT NULL,
	size           INTEGER NOT NULL,
	sha256         TEXT NOT NULL,
	created_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX vouchers_expenditure ON vouchers(expenditure_id);

CREATE TABLE centres (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL UNIQUE REFERENCES places(id),  -- the community
	name        TEXT NOT NULL,
	address     TEXT NOT NULL DEFAULT '',
	fitout      TEXT NOT NULL DEFAULT '',      -- the standard fit-out items present, comma list
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;

CREATE TABLE centre_projects (
	id         INTEGER PRIMARY KEY,
	centre_id  INTEGER NOT NULL REFERENCES centres(id),
	kind       TEXT NOT NULL CHECK (kind IN ('new', 'extend', 'share', 'swap', 'buy')),
	title      TEXT NOT NULL,
	area_cm2   INTEGER NOT NULL DEFAULT 0,     -- area it adds
	fund_id    INTEGER REFERENCES funds(id),
	budget_fen INTEGER NOT NULL DEFAULT 0,
	status     TEXT NOT NULL CHECK (status IN ('planned', 'building', 'done')),
	done_at    INTEGER,
	created_at INTEGER NOT NULL
) STRICT;

-- 六有 for 新兴领域 party activity rooms: one row per organisation and item.
CREATE TABLE liuyou (
	org_id   INTEGER NOT NULL REFERENCES orgs(id),
	item     TEXT NOT NULL CHECK (item IN ('place', 'sign', 'system', 'equipment', 'activities', 'records')),
	ok       INTEGER NOT NULL,
	evidence TEXT NOT NULL DEFAULT '',
	at       INTEGER NOT NULL,
	PRIMARY KEY (org_id, item)
) STRICT;

-- A venue: a room of a centre or a room a unit opens (资源共享), with opening hours in
-- minutes after midnight, Beijing time.
CREATE TABLE venues (
	id             INTEGER PRIMARY KEY,
	place_id       INTEGER NOT NULL REFERENCES places(id),
	centre_id      INTEGER REFERENCES centres(id),
	org_id         INTEGER REFERENCES orgs(id),
	name           TEXT NOT NULL,
	kind           TEXT NOT NULL DEFAULT 'room',
	capacity       INTEGER NOT NULL CHECK (capacity > 0),
	area_cm2       INTEGER NOT NULL DEFAULT 0,
	opens_min      INTEGER NOT NULL CHECK (opens_min >= 0 AND opens_min < 1440),
	closes_min     INTEGER NOT NULL CHECK (closes_min > 0 AND closes_min <= 1440),
	needs_approval INTEGER NOT NULL DEFAULT 0,
	created_at     INTEGER NOT NULL,
	district_id    INTEGER
) STRICT;
CREATE INDEX venues_place ON venues(place_id);

CREATE TABLE bookings (
	id          INTEGER PRIMARY KEY,
	venue_id    INTEGER NOT NULL REFERENCES venues(id),
	user_id     INTEGER NOT NULL REFERENCES users(id),
	org_id      INTEGER REFERENCES orgs(id),       -- booking for a group or unit
	purpose     TEXT NOT NULL,
	people      INTEGER NOT NULL,
	starts_at   INTEGER NOT NULL,
	ends_at     INTEGER NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
	decided_by  INTEGER REFERENCES users(id),
	secret      TEXT NOT NULL,
	arrived_at  INTEGER,
	created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX bookings_venue ON bookings(venue_id, starts_at);

CREATE TABLE cadres (
	id          INTEGER PRIMARY KEY,
	person_id   INTEGER NOT NULL UNIQUE REFERENCES people(id),
	place_id    INTEGER NOT NULL REFERENCES places(id),  -- the community (or street) served
	title       TEXT NOT NULL,
	hired_at    INTEGER NOT NULL,
	pay_fen     INTEGER,                                   -- monthly base pay
	left_at     INTEGER,
	district_id INTEGER
) STRICT;

CREATE TABLE cadre_certificates (
	cadre_id    INTEGER NOT NULL REFERENCES cadres(id),
	kind        TEXT NOT NULL CHECK (kind IN ('assistant_social_worker', 'social_worker', 'senior_social_worker', 'other')),
	name        TEXT NOT NULL,
	obtained_at INTEGER NOT NULL,
	PRIMARY KEY (cadre_id, kind, name)
) STRICT;

CREATE TABLE cadre_events (
	id       INTEGER PRIMARY KEY,
	cadre_id INTEGER NOT NULL REFERENCES cadres(id),
	kind     TEXT NOT NULL CHECK (kind IN ('training', 'civil_service', 'promotion')),
	title    TEXT NOT NULL,
	hours    INTEGER NOT NULL DEFAULT 0,
	at       INTEGER NOT NULL
) STRICT;
CREATE INDEX cadre_events_cadre ON cadre_events(cadre_id);
