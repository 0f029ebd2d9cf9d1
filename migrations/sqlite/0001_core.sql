-- Platform core and identity: settings, the place tree (the registry issue extends it),
-- people with sealed personal data, accounts with grants (role + place), sessions, API tokens,
-- SMS codes, idempotency records, the hash-chained audit log and the notification outbox.
-- Times are integer UTC seconds. Every table that grows with the city carries district_id.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

CREATE TABLE places (
	id          INTEGER PRIMARY KEY,
	parent_id   INTEGER REFERENCES places(id),
	kind        TEXT NOT NULL CHECK (kind IN ('city','district','street','community','grid','building','household')),
	code        TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	path        TEXT NOT NULL UNIQUE,
	district_id INTEGER,
	created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX places_parent ON places(parent_id);

-- Personal data is sealed (XChaCha20-Poly1305, key outside the database); *_bidx are keyed
-- BLAKE2b blind indexes for exact lookup; *_mask is what lists show.
CREATE TABLE people (
	id           INTEGER PRIMARY KEY,
	place_id     INTEGER NOT NULL REFERENCES places(id),
	name         TEXT NOT NULL,
	gender       TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', 'M', 'F')),
	birth_year   INTEGER,
	phone_enc    BLOB,
	phone_bidx   TEXT,
	phone_mask   TEXT NOT NULL DEFAULT '',
	id_enc       BLOB,
	id_bidx      TEXT UNIQUE,
	id_mask      TEXT NOT NULL DEFAULT '',
	address_enc  BLOB,
	address_mask TEXT NOT NULL DEFAULT '',
	district_id  INTEGER,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX people_place ON people(place_id);
CREATE INDEX people_phone ON people(phone_bidx);

CREATE TABLE users (
	id                   INTEGER PRIMARY KEY,
	username             TEXT NOT NULL UNIQUE,
	password_hash        TEXT NOT NULL DEFAULT '',
	display_name         TEXT NOT NULL,
	person_id            INTEGER REFERENCES people(id),
	phone_enc            BLOB,
	phone_bidx           TEXT UNIQUE,
	totp_secret_enc      BLOB,
	totp_enabled         INTEGER NOT NULL DEFAULT 0,
	failed_logins        INTEGER NOT NULL DEFAULT 0,
	locked_until         INTEGER NOT NULL DEFAULT 0,
	password_changed_at  INTEGER NOT NULL DEFAULT 0,
	must_change_password INTEGER NOT NULL DEFAULT 0,
	disabled             INTEGER NOT NULL DEFAULT 0,
	prefs                TEXT NOT NULL DEFAULT '{}',
	created_at           INTEGER NOT NULL,
	updated_at           INTEGER NOT NULL
) STRICT;

-- A grant is a role over a place's subtree. A person may hold several.
CREATE TABLE grants (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	role       TEXT NOT NULL CHECK (role IN ('admin','district_official','street_official','community_official','grid_worker','building_member','party_member','inservice_member','resident','unit_contact','property','owners_committee','shop','dept_handler','approver','delegate','auditor')),
	place_id   INTEGER NOT NULL REFERENCES places(id),
	created_at INTEGER NOT NULL,
	created_by INTEGER,
	UNIQUE (user_id, role, place_id)
) STRICT;

CREATE TABLE sessions (
	id         INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	grant_id   INTEGER REFERENCES grants(id),
	csrf       TEXT NOT NULL,
	ip         TEXT NOT NULL,
	user_agent TEXT NOT NULL DEFAULT '',
	mfa_ok     INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	name         TEXT NOT NULL,
	token_hash   TEXT NOT NULL UNIQUE,
	scope        TEXT NOT NULL,
	created_by   INTEGER,
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,
	revoked_at   INTEGER,
	last_used_at INTEGER
) STRICT;

CREATE TABLE sms_codes (
	id         INTEGER PRIMARY KEY,
	phone_bidx TEXT NOT NULL,
	code_hash  TEXT NOT NULL,
	ip         TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	used_at    INTEGER
) STRICT;
CREATE INDEX sms_codes_phone ON sms_codes(phone_bidx, created_at);
CREATE INDEX sms_codes_ip ON sms_codes(ip, created_at);

CREATE TABLE idempotency (
	user_id    INTEGER NOT NULL,
	key        TEXT NOT NULL,
	method     TEXT NOT NULL,
	path       TEXT NOT NULL,
	body_hash  TEXT NOT NULL,
	status     INTEGER NOT NULL,
	response   TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, key)
) STRICT;
CREATE INDEX idempotency_age ON idempotency(created_at);

-- Append-only. Rows are written inside the change they record; one appender then gives
-- each a place in the chain (seq, prev_hash, hash), so chaining never serialises writers.
CREATE TABLE audit_log (
	id           INTEGER PRIMARY KEY,
	seq          INTEGER UNIQUE,
	at           INTEGER NOT NULL,
	user_id      INTEGER,
	role         TEXT NOT NULL DEFAULT '',
	on_behalf_of INTEGER,
	action       TEXT NOT NULL,
	object       TEXT NOT NULL DEFAULT '',
	ip           TEXT NOT NULL DEFAULT '',
	outcome      TEXT NOT NULL,
	detail       TEXT NOT NULL DEFAULT '',
	prev_hash    TEXT,
	hash         TEXT
) STRICT;
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_user ON audit_log(user_id, at);

CREATE TABLE outbox (
	id           INTEGER PRIMARY KEY,
	channel      TEXT NOT NULL,
	recipient    TEXT NOT NULL,
	subject      TEXT NOT NULL,
	body         TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	due_at       INTEGER NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	delivered_at INTEGER,
	last_error   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX outbox_pending ON outbox(delivered_at, due_at);
