-- Platform core: settings, the place tree (the registry issue extends it), accounts,
-- sessions, idempotency records, audit rows and the notification outbox.
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

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	display_name  TEXT NOT NULL,
	role          TEXT NOT NULL,
	place_id      INTEGER REFERENCES places(id),
	must_change_password INTEGER NOT NULL DEFAULT 0,
	disabled      INTEGER NOT NULL DEFAULT 0,
	prefs         TEXT NOT NULL DEFAULT '{}',
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	csrf       TEXT NOT NULL,
	ip         TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

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

CREATE TABLE audit (
	id       INTEGER PRIMARY KEY,
	at       INTEGER NOT NULL,
	user_id  INTEGER,
	ip       TEXT NOT NULL,
	action   TEXT NOT NULL,
	target   TEXT NOT NULL,
	outcome  TEXT NOT NULL,
	detail   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_at ON audit(at);

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
