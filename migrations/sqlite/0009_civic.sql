-- 一核多元, part B: building conventions (楼栋自治公约) with versions and residents' sign-on,
-- 楼栋自治联盟 for old estates with no property company, duty rotas (卫生值日) with
-- reminders, 公益创投 calls with applications, reviews, funding decisions and progress,
-- 三方联动 joint meetings with commitments and follow-up and residents' ratings of the
-- property company, social-organisation incubators at four levels with the organisations
-- they incubate, their services and volunteers, 三社联动 links, and notices with reads.
-- meeting_id columns name a meeting of the proposals capability (0008) without a key.

CREATE TABLE alliances (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL REFERENCES places(id),  -- the estate (grid) or community
	name        TEXT NOT NULL,
	charter     TEXT NOT NULL DEFAULT '',
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;
CREATE INDEX alliances_place ON alliances(place_id);

CREATE TABLE alliance_buildings (
	alliance_id    INTEGER NOT NULL REFERENCES alliances(id),
	building_id    INTEGER NOT NULL REFERENCES places(id),
	head_person_id INTEGER REFERENCES people(id),  -- the building's representative
	PRIMARY KEY (alliance_id, building_id)
) STRICT;

CREATE TABLE conventions (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL REFERENCES places(id),  -- building, estate or community
	alliance_id INTEGER REFERENCES alliances(id),
	title       TEXT NOT NULL,
	version     INTEGER NOT NULL DEFAULT 1,              -- the version in force
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;
CREATE INDEX conventions_place ON conventions(place_id);

CREATE TABLE convention_versions (
	convention_id INTEGER NOT NULL REFERENCES conventions(id),
	version       INTEGER NOT NULL,
	text          TEXT NOT NULL,
	note          TEXT NOT NULL DEFAULT '',
	meeting_id    INTEGER,                                -- the meeting that adopted it
	adopted_by    INTEGER REFERENCES users(id),
	adopted_at    INTEGER NOT NULL,
	PRIMARY KEY (convention_id, version)
) STRICT;

CREATE TABLE convention_signatures (
	convention_id INTEGER NOT NULL REFERENCES conventions(id),
	version       INTEGER NOT NULL,
	person_id     INTEGER NOT NULL REFERENCES people(id),
	entered_by    INTEGER REFERENCES users(id),           -- staff signing on a resident's word
	signed_at     INTEGER NOT NULL,
	PRIMARY KEY (convention_id, version, person_id)
) STRICT;

CREATE TABLE rotas (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL REFERENCES places(id),
	title       TEXT NOT NULL,
	task        TEXT NOT NULL DEFAULT '',
	period_days INTEGER NOT NULL CHECK (period_days BETWEEN 1 AND 31),
	starts_at   INTEGER NOT NULL,
	active      INTEGER NOT NULL DEFAULT 1,
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;
CREATE INDEX rotas_place ON rotas(place_id);

CREATE TABLE rota_members (
	rota_id   INTEGER NOT NULL REFERENCES rotas(id),
	ord       INTEGER NOT NULL,
	person_id INTEGER NOT NULL REFERENCES people(id),
	PRIMARY KEY (rota_id, ord)
) STRICT;

-- One reminder per turn (slot = turns since starts_at), queued through the outbox.
CREATE TABLE rota_reminders (
	rota_id   INTEGER NOT NULL REFERENCES rotas(id),
	slot      INTEGER NOT NULL,
	person_id INTEGER NOT NULL REFERENCES people(id),
	sent_at   INTEGER NOT NULL,
	PRIMARY KEY (rota_id, slot)
) STRICT;

CREATE TABLE venture_calls (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL REFERENCES places(id),
	title       TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	budget_fen  INTEGER NOT NULL CHECK (budget_fen > 0),
	fund_id     INTEGER REFERENCES funds(id),   -- grants become expenditure requests here
	category    TEXT NOT NULL DEFAULT '',        -- the fund's spending category
	closes_at   INTEGER NOT NULL,
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;
CREATE INDEX venture_calls_place ON venture_calls(place_id);

CREATE TABLE venture_apps (
	id             INTEGER PRIMARY KEY,
	call_id        INTEGER NOT NULL REFERENCES venture_calls(id),
	org_id         INTEGER REFERENCES orgs(id),      -- a social organisation, if one applies
	group_name     TEXT NOT NULL,                    -- or a residents' group
	contact_id     INTEGER REFERENCES people(id),
	submitted_by   INTEGER REFERENCES users(id),
	title          TEXT NOT NULL,
	plan           TEXT NOT NULL,
	amount_fen     INTEGER NOT NULL CHECK (amount_fen > 0),
	status         TEXT NOT NULL CHECK (status IN ('submitted', 'funded', 'rejected')),
	granted_fen    INTEGER,
	decision_note  TEXT NOT NULL DEFAULT '',
	decided_by     INTEGER REFERENCES users(id),
	decided_at     INTEGER,
	expenditure_id INTEGER REFERENCES expenditures(id),
	progress       INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
	created_at     INTEGER NOT NULL,
	district_id    INTEGER
) STRICT;
CREATE INDEX venture_apps_call ON venture_apps(call_id, status);

CREATE TABLE venture_reviews (
	app_id     INTEGER NOT NULL REFERENCES venture_apps(id),
	user_id    INTEGER NOT NULL REFERENCES users(id),
	score      INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
	note       TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	PRIMARY KEY (app_id, user_id)
) STRICT;

CREATE TABLE venture_updates (
	id         INTEGER PRIMARY KEY,
	app_id     INTEGER NOT NULL REFERENCES venture_apps(id),
	progress   INTEGER NOT NULL,
	note       TEXT NOT NULL,
	user_id    INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX venture_updates_app ON venture_updates(app_id);

CREATE TABLE tri_meetings (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL REFERENCES places(id),  -- the community
	convenor_id INTEGER NOT NULL REFERENCES orgs(id),    -- the community party organisation
	title       TEXT NOT NULL,
	agenda      TEXT NOT NULL DEFAULT '',
	minutes     TEXT NOT NULL DEFAULT '',
	held_at     INTEGER NOT NULL,
	meeting_id  INTEGER,
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;
CREATE INDEX tri_meetings_place ON tri_meetings(place_id, held_at);

CREATE TABLE tri_parties (
	meeting_id INTEGER NOT NULL REFERENCES tri_meetings(id),
	org_id     INTEGER NOT NULL REFERENCES orgs(id),
	PRIMARY KEY (meeting_id, org_id)
) STRICT;

CREATE TABLE tri_commitments (
	id          INTEGER PRIMARY KEY,
	meeting_id  INTEGER NOT NULL REFERENCES tri_meetings(id),
	org_id      INTEGER NOT NULL REFERENCES orgs(id),     -- the party that promised
	owner_id    INTEGER REFERENCES people(id),            -- who answers for it
	title       TEXT NOT NULL,
	due_at      INTEGER NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('open', 'done')),
	done_at     INTEGER,
	warned_at   INTEGER,
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;
CREATE INDEX tri_commitments_meeting ON tri_commitments(meeting_id);
CREATE INDEX tri_commitments_due ON tri_commitments(status, due_at);

CREATE TABLE tri_followups (
	id            INTEGER PRIMARY KEY,
	commitment_id INTEGER NOT NULL REFERENCES tri_commitments(id),
	note          TEXT NOT NULL,
	done          INTEGER NOT NULL DEFAULT 0,
	user_id       INTEGER REFERENCES users(id),
	created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX tri_followups_commitment ON tri_followups(commitment_id);

CREATE TABLE property_ratings (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES orgs(id),     -- the property company
	person_id   INTEGER NOT NULL REFERENCES people(id),
	year        INTEGER NOT NULL,
	score       INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
	comment     TEXT NOT NULL DEFAULT '',
	entered_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	district_id INTEGER,
	UNIQUE (org_id, person_id, year)
) STRICT;

-- The level (city, district, street, community) is the kind of the place it serves.
CREATE TABLE incubators (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL UNIQUE REFERENCES places(id),
	name        TEXT NOT NULL,
	address     TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;

CREATE TABLE incubations (
	id           INTEGER PRIMARY KEY,
	incubator_id INTEGER NOT NULL REFERENCES incubators(id),
	org_id       INTEGER NOT NULL REFERENCES orgs(id),
	category     TEXT NOT NULL CHECK (category IN ('life', 'charity', 'culture', 'affairs', 'elderly')),
	status       TEXT NOT NULL CHECK (status IN ('incubating', 'graduated')),
	started_at   INTEGER NOT NULL,
	graduated_at INTEGER,
	UNIQUE (incubator_id, org_id)
) STRICT;
CREATE INDEX incubations_org ON incubations(org_id);

CREATE TABLE org_services (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES orgs(id),
	place_id    INTEGER NOT NULL REFERENCES places(id),   -- where it was done
	title       TEXT NOT NULL,
	served      INTEGER NOT NULL DEFAULT 0,
	held_at     INTEGER NOT NULL,
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX org_services_org ON org_services(org_id, held_at);

CREATE TABLE org_volunteers (
	org_id    INTEGER NOT NULL REFERENCES orgs(id),
	person_id INTEGER NOT NULL REFERENCES people(id),
	joined_at INTEGER NOT NULL,
	PRIMARY KEY (org_id, person_id)
) STRICT;

-- 三社联动: a community, a social organisation and a social worker on a case or a project.
CREATE TABLE sansha_links (
	id          INTEGER PRIMARY KEY,
	subject     TEXT NOT NULL CHECK (subject IN ('case', 'venture')),
	subject_id  INTEGER NOT NULL,
	place_id    INTEGER NOT NULL REFERENCES places(id),   -- the community
	org_id      INTEGER NOT NULL REFERENCES orgs(id),
	worker_id   INTEGER NOT NULL REFERENCES people(id),   -- the social worker
	note        TEXT NOT NULL DEFAULT '',
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	UNIQUE (subject, subject_id, org_id)
) STRICT;

CREATE TABLE notices (
	id           INTEGER PRIMARY KEY,
	place_id     INTEGER NOT NULL REFERENCES places(id),
	kind         TEXT NOT NULL CHECK (kind IN ('community', 'party')),
	audience     TEXT NOT NULL CHECK (audience IN ('residents', 'members')),
	title        TEXT NOT NULL,
	body         TEXT NOT NULL,
	published_by INTEGER REFERENCES users(id),
	published_at INTEGER NOT NULL,
	district_id  INTEGER
) STRICT;
CREATE INDEX notices_place ON notices(place_id, published_at);

-- Reads are counted for the publisher, never scored.
CREATE TABLE notice_reads (
	notice_id INTEGER NOT NULL REFERENCES notices(id),
	user_id   INTEGER NOT NULL REFERENCES users(id),
	read_at   INTEGER NOT NULL,
	PRIMARY KEY (notice_id, user_id)
) STRICT;
