-- 一核多元 议事和表决: 民事民提 (proposals with attachments and comments), 民事民议 (meetings
-- of four kinds with invitees, attendance, minutes and decisions), 民事民决 (votes with a
-- voter roll taken from the registry, open or secret ballots, paper ballots confirmed by a
-- second person, results computed at close) and 民事民评 (milestones of a decision's
-- implementation and residents' public evaluations).

-- Units a registered owner holds besides the home in people.place_id (产权登记): an owner
-- of several units counts once by headcount in owners' votes, with all their area.
CREATE TABLE gov_holdings (
	person_id  INTEGER NOT NULL REFERENCES people(id),
	place_id   INTEGER NOT NULL REFERENCES places(id),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (person_id, place_id)
) STRICT;
CREATE INDEX gov_holdings_place ON gov_holdings(place_id);

CREATE TABLE gov_proposals (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL REFERENCES places(id),
	source      TEXT NOT NULL CHECK (source IN ('resident', 'building_group', 'org', 'staff')),
	org_id      INTEGER REFERENCES orgs(id),
	title       TEXT NOT NULL,
	description TEXT NOT NULL,
	user_id     INTEGER REFERENCES users(id),
	person_id   INTEGER REFERENCES people(id),
	author      TEXT NOT NULL,  -- shown: a masked name, or the group's or organisation's name
	status      TEXT NOT NULL CHECK (status IN ('open', 'deliberating', 'voting', 'adopted', 'rejected', 'declined')),
	reply       TEXT NOT NULL DEFAULT '',
	district_id INTEGER,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX gov_proposals_place ON gov_proposals(place_id, status);

CREATE TABLE gov_attachments (
	id          INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES gov_proposals(id),
	n           INTEGER NOT NULL,
	mime        TEXT NOT NULL,
	bytes       BLOB NOT NULL,
	size        INTEGER NOT NULL,
	created_at  INTEGER NOT NULL,
	UNIQUE (proposal_id, n)
) STRICT;

CREATE TABLE gov_comments (
	id          INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES gov_proposals(id),
	user_id     INTEGER REFERENCES users(id),
	author      TEXT NOT NULL,
	body        TEXT NOT NULL,
	created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX gov_comments_proposal ON gov_comments(proposal_id, id);

CREATE TABLE gov_meetings (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL REFERENCES places(id),
	proposal_id INTEGER REFERENCES gov_proposals(id),
	kind        TEXT NOT NULL CHECK (kind IN ('council', 'hearing', 'coordination', 'review')),
	title       TEXT NOT NULL,
	agenda      TEXT NOT NULL,
	location    TEXT NOT NULL DEFAULT '',
	starts_at   INTEGER NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('planned', 'held', 'cancelled')),
	minutes     TEXT NOT NULL DEFAULT '',
	held_at     INTEGER,
	created_by  INTEGER REFERENCES users(id),
	district_id INTEGER,
	created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX gov_meetings_place ON gov_meetings(place_id, starts_at);

CREATE TABLE gov_invitees (
	id         INTEGER PRIMARY KEY,
	meeting_id INTEGER NOT NULL REFERENCES gov_meetings(id),
	person_id  INTEGER REFERENCES people(id),
	org_id     INTEGER REFERENCES orgs(id),
	name       TEXT NOT NULL,
	capacity   TEXT NOT NULL DEFAULT '',  -- 居民代表, 物业, 业委会, 职能部门…
	attended   INTEGER  -- NULL until the attendance is taken
) STRICT;
CREATE INDEX gov_invitees_meeting ON gov_invitees(meeting_id);

-- A decision comes from a meeting's minutes or from a vote that passed; its implementation
-- is tracked by milestones and evaluated by residents once done.
CREATE TABLE gov_decisions (
	id          INTEGER PRIMARY KEY,
	place_id    INTEGER NOT NULL REFERENCES places(id),
	meeting_id  INTEGER REFERENCES gov_meetings(id),
	vote_id     INTEGER,
	proposal_id INTEGER REFERENCES gov_proposals(id),
	text        TEXT NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('to_vote', 'implementing', 'done', 'rejected')),
	done_at     INTEGER,
	district_id INTEGER,
	created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX gov_decisions_place ON gov_decisions(place_id, status);

CREATE TABLE gov_milestones (
	id          INTEGER PRIMARY KEY,
	decision_id INTEGER NOT NULL REFERENCES gov_decisions(id),
	title       TEXT NOT NULL,
	due_at      INTEGER NOT NULL,
	done_at     INTEGER,
	note        TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX gov_milestones_decision ON gov_milestones(decision_id);

CREATE TABLE gov_evaluations (
	id          INTEGER PRIMARY KEY,
	decision_id INTEGER NOT NULL REFERENCES gov_decisions(id),
	person_id   INTEGER NOT NULL REFERENCES people(id),  -- one evaluation per resident
	author      TEXT NOT NULL,
	rating      TEXT NOT NULL CHECK (rating IN ('satisfied', 'basic', 'unsatisfied')),
	comment     TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	UNIQUE (decision_id, person_id)
) STRICT;

-- rule: person = one person one vote, household = one household one vote, owners = the
-- owners' double majority by area and headcount (art. 278, item chosen per vote).
CREATE TABLE gov_votes (
	id           INTEGER PRIMARY KEY,
	place_id     INTEGER NOT NULL REFERENCES places(id),
	proposal_id  INTEGER REFERENCES gov_proposals(id),
	decision_id  INTEGER REFERENCES gov_decisions(id),
	kind         TEXT NOT NULL CHECK (kind IN ('ordinary', 'election')),
	rule         TEXT NOT NULL CHECK (rule IN ('person', 'household', 'owners')),
	item         INTEGER NOT NULL DEFAULT 0 CHECK (item BETWEEN 0 AND 9),
	threshold    TEXT NOT NULL DEFAULT 'half' CHECK (threshold IN ('half', 'two_thirds')),
	quorum_pct   INTEGER NOT NULL DEFAULT 50 CHECK (quorum_pct BETWEEN 0 AND 100),
	secret       INTEGER NOT NULL DEFAULT 0,
	seats        INTEGER NOT NULL DEFAULT 1,
	title        TEXT NOT NULL,
	description  TEXT NOT NULL DEFAULT '',
	opens_at     INTEGER NOT NULL,
	closes_at    INTEGER NOT NULL,
	status       TEXT NOT NULL CHECK (status IN ('open', 'closed')),
	roll_units   INTEGER NOT NULL,  -- voters (people, households or owners) on the roll
	roll_area    INTEGER NOT NULL,  -- owners: all exclusive area in 0.01 m²
	result       TEXT NOT NULL DEFAULT '',  -- computed at close (JSON)
	passed       INTEGER,
	closed_at    INTEGER,
	created_by   INTEGER REFERENCES users(id),
	district_id  INTEGER,
	created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX gov_votes_place ON gov_votes(place_id, status);

CREATE TABLE gov_options (
	id      INTEGER PRIMARY KEY,
	vote_id INTEGER NOT NULL REFERENCES gov_votes(id),
	ord     INTEGER NOT NULL,
	kind    TEXT NOT NULL CHECK (kind IN ('yes', 'no', 'abstain', 'candidate')),
	label   TEXT NOT NULL,
	UNIQUE (vote_id, ord)
) STRICT;

-- The roll, taken from the registry when the vote is set up. voter is a person (person
-- rule), a household place (household rule) or the first unit of an owner (owners rule;
-- 0 = units without a registered owner, counted together as one owner and unable to vote).
-- voted is the only trace of a secret ballot here: no time, no choice.
CREATE TABLE gov_roll (
	vote_id  INTEGER NOT NULL REFERENCES gov_votes(id),
	voter    INTEGER NOT NULL,
	label    TEXT NOT NULL,
	area_cm2 INTEGER NOT NULL DEFAULT 0,
	units    INTEGER NOT NULL DEFAULT 1,
	voted    INTEGER NOT NULL DEFAULT 0,
	channel  TEXT NOT NULL DEFAULT '' CHECK (channel IN ('', 'online', 'paper')),
	PRIMARY KEY (vote_id, voter)
) STRICT;

-- Who may cast the ballot of a roll entry (members of a household, co-owners).
CREATE TABLE gov_roll_people (
	vote_id   INTEGER NOT NULL REFERENCES gov_votes(id),
	person_id INTEGER NOT NULL REFERENCES people(id),
	voter     INTEGER NOT NULL,
	PRIMARY KEY (vote_id, person_id)
) STRICT;

-- Sums per option, one row per option made at set-up and only ever added to: a secret
-- ballot leaves no row of its own, so nothing orders or joins it with the roll.
CREATE TABLE gov_tallies (
	option_id INTEGER PRIMARY KEY REFERENCES gov_options(id),
	vote_id   INTEGER NOT NULL REFERENCES gov_votes(id),
	heads     INTEGER NOT NULL DEFAULT 0,
	area_cm2  INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Open (记名) ballots only: who chose what, published with the result.
CREATE TABLE gov_open_ballots (
	vote_id   INTEGER NOT NULL REFERENCES gov_votes(id),
	voter     INTEGER NOT NULL,
	option_id INTEGER NOT NULL REFERENCES gov_options(id),
	PRIMARY KEY (vote_id, voter, option_id)
) STRICT;

-- Paper ballots entered by staff; counted only when a second account confirms. A secret
-- vote's confirmed paper keeps neither voter nor choice.
CREATE TABLE gov_paper_ballots (
	id           INTEGER PRIMARY KEY,
	vote_id      INTEGER NOT NULL REFERENCES gov_votes(id),
	voter        INTEGER,
	choice       TEXT NOT NULL DEFAULT '',  -- option ids, comma-separated, until confirmed
	status       TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected')),
	entered_by   INTEGER NOT NULL REFERENCES users(id),
	confirmed_by INTEGER REFERENCES users(id),
	created_at   INTEGER NOT NULL,
	decided_at   INTEGER
) STRICT;
CREATE INDEX gov_paper_ballots_vote ON gov_paper_ballots(vote_id, status);
