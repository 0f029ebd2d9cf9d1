-- 评议考核: the branch standards checklist per domain with self-assessments, the reviewer's
-- scores and ratings (标准型 / 示范型 / 红旗型 / 整顿) that move only with an approver other
-- than the proposer, rectification plans with follow-ups; the yearly evaluation of resident
-- units by the communities they serve and by the street; 文明共创 campaigns whose unit
-- results feed that evaluation; and the branch's 民主评议 rating of each member (the sheet
-- itself is computed from the records, never stored).

CREATE TABLE review_standards (
	id         INTEGER PRIMARY KEY,
	domain     TEXT NOT NULL CHECK (domain IN ('community', 'agency', 'institution', 'soe', 'private', 'social')),
	ord        INTEGER NOT NULL,
	title      TEXT NOT NULL,
	weight     INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 100),
	evidence   TEXT NOT NULL DEFAULT '',     -- what the branch must show
	source     TEXT NOT NULL DEFAULT '' CHECK (source IN ('', 'posts_filled', 'report_rate', 'case_rate', 'work_coverage')),
	active     INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	UNIQUE (domain, title)
) STRICT;
CREATE INDEX review_standards_domain ON review_standards(domain, ord);

-- One sheet per branch and year: the branch's own scores, then the reviewer's.
CREATE TABLE branch_assessments (
	id           INTEGER PRIMARY KEY,
	org_id       INTEGER NOT NULL REFERENCES orgs(id),
	year         INTEGER NOT NULL,
	status       TEXT NOT NULL CHECK (status IN ('submitted', 'reviewed')),
	self_score   INTEGER NOT NULL DEFAULT 0,  -- normalised to 100
	review_score INTEGER,
	submitted_by INTEGER REFERENCES users(id),
	submitted_at INTEGER NOT NULL,
	reviewed_by  INTEGER REFERENCES users(id),
	reviewed_at  INTEGER,
	district_id  INTEGER,
	UNIQUE (org_id, year)
) STRICT;

CREATE TABLE branch_assessment_items (
	assessment_id INTEGER NOT NULL REFERENCES branch_assessments(id),
	standard_id   INTEGER NOT NULL REFERENCES review_standards(id),
	self_score    INTEGER NOT NULL,
	evidence      TEXT NOT NULL DEFAULT '',
	review_score  INTEGER,
	review_note   TEXT NOT NULL DEFAULT '',
	auto_value    INTEGER,                  -- percent, for items the platform fills
	PRIMARY KEY (assessment_id, standard_id)
) STRICT;

-- Every rating ever proposed; the current one is the latest approved (对标定位、整顿晋级).
CREATE TABLE branch_ratings (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES orgs(id),
	year        INTEGER NOT NULL,
	rating      TEXT NOT NULL CHECK (rating IN ('standard', 'model', 'redflag', 'rectify')),
	previous    TEXT NOT NULL DEFAULT '',
	score       INTEGER,
	reason      TEXT NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected')),
	proposed_by INTEGER NOT NULL REFERENCES users(id),
	proposed_at INTEGER NOT NULL,
	decided_by  INTEGER REFERENCES users(id),
	decided_at  INTEGER,
	decision_note TEXT NOT NULL DEFAULT '',
	district_id INTEGER
) STRICT;
CREATE INDEX branch_ratings_org ON branch_ratings(org_id, id);
CREATE INDEX branch_ratings_status ON branch_ratings(status, id);

CREATE TABLE rectification_plans (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES orgs(id),
	rating_id   INTEGER REFERENCES branch_ratings(id),
	problems    TEXT NOT NULL,
	measures    TEXT NOT NULL,
	deadline    INTEGER NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('open', 'done')),
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	done_at     INTEGER,
	district_id INTEGER
) STRICT;
CREATE INDEX rectification_plans_org ON rectification_plans(org_id, status);

CREATE TABLE rectification_followups (
	id         INTEGER PRIMARY KEY,
	plan_id    INTEGER NOT NULL REFERENCES rectification_plans(id),
	note       TEXT NOT NULL,
	done       INTEGER NOT NULL DEFAULT 0,
	by_user    INTEGER REFERENCES users(id),
	at         INTEGER NOT NULL
) STRICT;
CREATE INDEX rectification_followups_plan ON rectification_followups(plan_id, id);

-- A community's or the street's form for one unit and year (four parts of 25 points).
CREATE TABLE unit_evaluations (
	id            INTEGER PRIMARY KEY,
	unit_org_id   INTEGER NOT NULL REFERENCES orgs(id),
	year          INTEGER NOT NULL,
	place_id      INTEGER NOT NULL REFERENCES places(id),  -- the evaluating community or street
	evaluator     TEXT NOT NULL CHECK (evaluator IN ('community', 'street')),
	duty          INTEGER NOT NULL CHECK (duty BETWEEN 0 AND 25),
	projects      INTEGER NOT NULL CHECK (projects BETWEEN 0 AND 25),
	service       INTEGER NOT NULL CHECK (service BETWEEN 0 AND 25),
	civic         INTEGER NOT NULL CHECK (civic BETWEEN 0 AND 25),
	comment       TEXT NOT NULL DEFAULT '',
	evaluated_by  INTEGER REFERENCES users(id),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	district_id   INTEGER,
	UNIQUE (unit_org_id, year, place_id)
) STRICT;
CREATE INDEX unit_evaluations_year ON unit_evaluations(year, unit_org_id);

-- 文明共创: 文明城市 / 卫生城市 campaigns run by a place with the units taking part.
CREATE TABLE civic_campaigns (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL REFERENCES places(id),
	kind        TEXT NOT NULL CHECK (kind IN ('civilized_city', 'hygienic_city')),
	title       TEXT NOT NULL,
	target      TEXT NOT NULL DEFAULT '',
	starts_at   INTEGER NOT NULL,
	ends_at     INTEGER NOT NULL,
	created_by  INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;

CREATE TABLE civic_campaign_units (
	campaign_id INTEGER NOT NULL REFERENCES civic_campaigns(id),
	org_id      INTEGER NOT NULL REFERENCES orgs(id),
	score       INTEGER CHECK (score BETWEEN 0 AND 100),
	note        TEXT NOT NULL DEFAULT '',
	scored_by   INTEGER REFERENCES users(id),
	scored_at   INTEGER,
	PRIMARY KEY (campaign_id, org_id)
) STRICT;
CREATE INDEX civic_campaign_units_org ON civic_campaign_units(org_id);

-- The branch's 民主评议 rating; every figure on the sheet is computed from the records.
CREATE TABLE member_reviews (
	person_id     INTEGER NOT NULL REFERENCES people(id),
	year          INTEGER NOT NULL,
	branch_org_id INTEGER NOT NULL REFERENCES orgs(id),
	rating        TEXT NOT NULL CHECK (rating IN ('excellent', 'qualified', 'basically_qualified', 'unqualified')),
	note          TEXT NOT NULL DEFAULT '',
	rated_by      INTEGER REFERENCES users(id),
	rated_at      INTEGER NOT NULL,
	district_id   INTEGER,
	PRIMARY KEY (person_id, year)
) STRICT;
CREATE INDEX member_reviews_branch ON member_reviews(branch_org_id, year);
