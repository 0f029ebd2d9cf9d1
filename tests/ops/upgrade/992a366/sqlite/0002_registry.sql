-- The 双线五级 registry: coordinates and areas on places, organisations on both lines and
-- the units, 两新 organisations, owners' committees and property companies around them,
-- big-committee membership, pairings, party members, positions, activities (for work
-- coverage) and coverage campaigns with their daily snapshots.

ALTER TABLE places ADD COLUMN lat REAL;
ALTER TABLE places ADD COLUMN lng REAL;
-- 0.01 m²: a household's floor area (owners' votes), a community's service-centre area.
ALTER TABLE places ADD COLUMN area_cm2 INTEGER;

ALTER TABLE people ADD COLUMN residency TEXT NOT NULL DEFAULT 'both'
	CHECK (residency IN ('registered', 'living', 'both'));
ALTER TABLE people ADD COLUMN tenure TEXT NOT NULL DEFAULT '' CHECK (tenure IN ('', 'owner', 'tenant'));
ALTER TABLE people ADD COLUMN volunteer INTEGER NOT NULL DEFAULT 0;

CREATE TABLE orgs (
	id           INTEGER PRIMARY KEY,
	code         TEXT NOT NULL UNIQUE,
	name         TEXT NOT NULL,
	kind         TEXT NOT NULL,
	line         TEXT NOT NULL CHECK (line IN ('party', 'governance', 'org')),
	place_id     INTEGER NOT NULL REFERENCES places(id),
	parent_id    INTEGER REFERENCES orgs(id),
	domain       TEXT NOT NULL DEFAULT '' CHECK (domain IN ('', 'community', 'agency', 'institution', 'soe', 'private', 'social')),
	built_on     TEXT NOT NULL DEFAULT '' CHECK (built_on IN ('', 'building', 'market', 'park', 'workstation', 'industry')),
	party_org_id INTEGER REFERENCES orgs(id),
	district_id  INTEGER,
	created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX orgs_place ON orgs(place_id, kind);
CREATE INDEX orgs_parent ON orgs(parent_id);

-- 社区大党委 / 街道大工委: the committee widened with member organisations.
CREATE TABLE org_members (
	org_id        INTEGER NOT NULL REFERENCES orgs(id),
	member_org_id INTEGER NOT NULL REFERENCES orgs(id),
	created_at    INTEGER NOT NULL,
	PRIMARY KEY (org_id, member_org_id)
) STRICT;

-- 结对共建: a grid branch paired with a government-agency branch (and similar pairs).
CREATE TABLE pairings (
	id         INTEGER PRIMARY KEY,
	org_a      INTEGER NOT NULL REFERENCES orgs(id),
	org_b      INTEGER NOT NULL REFERENCES orgs(id),
	started_at INTEGER NOT NULL,
	UNIQUE (org_a, org_b)
) STRICT;

CREATE TABLE party_members (
	person_id         INTEGER PRIMARY KEY REFERENCES people(id),
	branch_org_id     INTEGER REFERENCES orgs(id),
	status            TEXT NOT NULL CHECK (status IN ('serving', 'retired', 'mobile')),
	central_household INTEGER NOT NULL DEFAULT 0,
	employer_org_id   INTEGER REFERENCES orgs(id),
	joined_year       INTEGER,
	district_id       INTEGER
) STRICT;
CREATE INDEX party_members_branch ON party_members(branch_org_id);

CREATE TABLE positions (
	id         INTEGER PRIMARY KEY,
	person_id  INTEGER NOT NULL REFERENCES people(id),
	org_id     INTEGER NOT NULL REFERENCES orgs(id),
	post       TEXT NOT NULL,
	started_at INTEGER NOT NULL,
	ended_at   INTEGER
) STRICT;
CREATE INDEX positions_org ON positions(org_id, post);
CREATE INDEX positions_person ON positions(person_id);

-- What an organisation did and when: work coverage counts organisations with none lately.
CREATE TABLE org_activities (
	id      INTEGER PRIMARY KEY,
	org_id  INTEGER NOT NULL REFERENCES orgs(id),
	held_at INTEGER NOT NULL,
	title   TEXT NOT NULL
) STRICT;
CREATE INDEX org_activities_org ON org_activities(org_id, held_at);

CREATE TABLE coverage_campaigns (
	id        INTEGER PRIMARY KEY,
	place_id  INTEGER NOT NULL REFERENCES places(id),
	name      TEXT NOT NULL,
	metric    TEXT NOT NULL,
	target    INTEGER NOT NULL,
	starts_at INTEGER NOT NULL,
	ends_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE coverage_snapshots (
	campaign_id INTEGER NOT NULL REFERENCES coverage_campaigns(id),
	day         INTEGER NOT NULL,
	value       INTEGER NOT NULL,
	PRIMARY KEY (campaign_id, day)
) STRICT;
