-- 双报到 and co-building: members report to their home community and units to their street;
-- service posts with the negative list; micro-wishes; activities with sign-up, arrival codes
-- and confirmed rosters (verified hours); the yearly 共建协议 with its three lists; residents'
-- skills; and matches between needs and people or resources.

CREATE TABLE registrations (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL CHECK (kind IN ('member', 'unit')),
	person_id   INTEGER REFERENCES people(id),
	org_id      INTEGER REFERENCES orgs(id),
	place_id    INTEGER NOT NULL REFERENCES places(id),  -- community (member) or street (unit)
	status      TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
	note        TEXT NOT NULL DEFAULT '',
	decided_by  INTEGER REFERENCES users(id),
	decided_at  INTEGER,
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;
CREATE INDEX registrations_place ON registrations(place_id, status);
CREATE INDEX registrations_person ON registrations(person_id);
CREATE INDEX registrations_org ON registrations(org_id);

CREATE TABLE negative_list (
	id   INTEGER PRIMARY KEY,
	ord  INTEGER NOT NULL,
	text TEXT NOT NULL
) STRICT;
INSERT INTO negative_list(ord, text) VALUES (1, '不得借服务之名收取任何费用或索要财物');
INSERT INTO negative_list(ord, text) VALUES (2, '不得代替居民作出决定或代签任何文件');
INSERT INTO negative_list(ord, text) VALUES (3, '不得泄露、拍摄或转发居民的个人信息和家庭情况');
INSERT INTO negative_list(ord, text) VALUES (4, '不得推销商品、发展会员或从事商业活动');
INSERT INTO negative_list(ord, text) VALUES (5, '不得以党员身份介入邻里纠纷的利益分配');
INSERT INTO negative_list(ord, text) VALUES (6, '不得只签到不服务、只拍照不办事');

CREATE TABLE service_posts (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL REFERENCES places(id),
	title       TEXT NOT NULL,
	description TEXT NOT NULL,
	schedule    TEXT NOT NULL DEFAULT '',
	capacity    INTEGER NOT NULL CHECK (capacity > 0),
	skills      TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;
CREATE INDEX service_posts_place ON service_posts(place_id);

CREATE TABLE post_claims (
	post_id      INTEGER NOT NULL REFERENCES service_posts(id),
	person_id    INTEGER NOT NULL REFERENCES people(id),
	negative_ack INTEGER NOT NULL,  -- when the negative list was acknowledged
	created_at   INTEGER NOT NULL,
	PRIMARY KEY (post_id, person_id)
) STRICT;

CREATE TABLE wishes (
	id             INTEGER PRIMARY KEY,
	place_id       INTEGER NOT NULL REFERENCES places(id),
	community_id   INTEGER REFERENCES places(id),
	person_id      INTEGER REFERENCES people(id),      -- the resident whose wish it is
	user_id        INTEGER REFERENCES users(id),       -- their account, if they posted it
	entered_by     INTEGER REFERENCES users(id),       -- staff posting on their behalf
	title          TEXT NOT NULL,
	description    TEXT NOT NULL,
	status         TEXT NOT NULL CHECK (status IN ('posted', 'approved', 'rejected', 'claimed', 'fulfilled', 'confirmed')),
	review_note    TEXT NOT NULL DEFAULT '',
	reviewed_by    INTEGER REFERENCES users(id),
	claimed_person INTEGER REFERENCES people(id),
	claimed_org    INTEGER REFERENCES orgs(id),
	claimed_at     INTEGER,
	due_at         INTEGER,
	warned_at      INTEGER,
	fulfil_note    TEXT NOT NULL DEFAULT '',
	fulfilled_at   INTEGER,
	rating         TEXT CHECK (rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
	confirmed_at   INTEGER,
	created_at     INTEGER NOT NULL,
	district_id    INTEGER
) STRICT;
CREATE INDEX wishes_community ON wishes(community_id, status);
CREATE INDEX wishes_claimed ON wishes(claimed_person);

CREATE TABLE activities (
	id           INTEGER PRIMARY KEY,
	place_id     INTEGER NOT NULL REFERENCES places(id),
	kind         TEXT NOT NULL CHECK (kind IN ('workday', '80365', 'other')),
	title        TEXT NOT NULL,
	description  TEXT NOT NULL DEFAULT '',
	starts_at    INTEGER NOT NULL,
	ends_at      INTEGER NOT NULL,
	capacity     INTEGER NOT NULL CHECK (capacity > 0),
	organiser    INTEGER REFERENCES users(id),
	secret       TEXT NOT NULL,                 -- signs arrival codes (hex)
	confirmed_at INTEGER,
	confirmed_by INTEGER REFERENCES users(id),
	created_at   INTEGER NOT NULL,
	district_id  INTEGER,
	UNIQUE (place_id, kind, starts_at)
) STRICT;
CREATE INDEX activities_time ON activities(starts_at);

CREATE TABLE activity_signups (
	activity_id INTEGER NOT NULL REFERENCES activities(id),
	person_id   INTEGER NOT NULL REFERENCES people(id),
	status      TEXT NOT NULL CHECK (status IN ('signed', 'waiting', 'cancelled')),
	arrived_at  INTEGER,
	arrived_by  TEXT CHECK (arrived_by IN ('code', 'roster')),
	minutes     INTEGER,                     -- confirmed service time (verified hours)
	created_at  INTEGER NOT NULL,
	PRIMARY KEY (activity_id, person_id)
) STRICT;
CREATE INDEX activity_signups_person ON activity_signups(person_id);

-- Residents' skills and situations for matching (job-seeker, driving licence, …).
CREATE TABLE person_tags (
	person_id INTEGER NOT NULL REFERENCES people(id),
	tag       TEXT NOT NULL,
	PRIMARY KEY (person_id, tag)
) STRICT;
CREATE INDEX person_tags_tag ON person_tags(tag);

CREATE TABLE agreements (
	id          INTEGER PRIMARY KEY,
	unit_org_id INTEGER NOT NULL REFERENCES orgs(id),
	place_id    INTEGER NOT NULL REFERENCES places(id),  -- the street or community
	year        INTEGER NOT NULL,
	title       TEXT NOT NULL,
	signed_at   INTEGER,
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	district_id INTEGER,
	UNIQUE (unit_org_id, place_id, year)
) STRICT;

CREATE TABLE list_items (
	id           INTEGER PRIMARY KEY,
	agreement_id INTEGER NOT NULL REFERENCES agreements(id),
	side         TEXT NOT NULL CHECK (side IN ('unit', 'community')),
	list         TEXT NOT NULL CHECK (list IN ('need', 'resource', 'service')),
	category     TEXT NOT NULL DEFAULT '',
	title        TEXT NOT NULL,
	content      TEXT NOT NULL DEFAULT '',
	quantity     INTEGER NOT NULL DEFAULT 1,
	tags         TEXT NOT NULL DEFAULT '',      -- comma-separated, for matching
	starts_at    INTEGER,
	ends_at      INTEGER,
	status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'done')),
	claimed_side TEXT CHECK (claimed_side IN ('unit', 'community')),
	commitment   TEXT NOT NULL DEFAULT '',
	claimed_at   INTEGER,
	progress     INTEGER NOT NULL DEFAULT 0,   -- how much of `quantity` is done
	done_at      INTEGER,
	created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX list_items_agreement ON list_items(agreement_id);

CREATE TABLE matches (
	id          INTEGER PRIMARY KEY,
	item_id     INTEGER NOT NULL REFERENCES list_items(id),
	person_id   INTEGER REFERENCES people(id),
	resource_id INTEGER REFERENCES list_items(id),
	score       INTEGER NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('proposed', 'forwarded', 'hired', 'declined')),
	decided_by  INTEGER REFERENCES users(id),
	updated_at  INTEGER NOT NULL,
	created_at  INTEGER NOT NULL,
	UNIQUE (item_id, person_id)
) STRICT;
