-- 党员积分: a double-entry points ledger (after TigerBeetle). Accounts keep running totals;
-- transfers are never edited or deleted (a correction is a new transfer); the second phase of
-- a pending transfer is its own row naming the pending one. Rules turn verified outcomes into
-- earned points; shops (积分超市) hold catalogues and stock; members show one-time codes.

CREATE TABLE points_accounts (
	id              INTEGER PRIMARY KEY,
	key             TEXT NOT NULL UNIQUE,
	kind            TEXT NOT NULL CHECK (kind IN ('person', 'issuer', 'unit', 'shop', 'clearing')),
	person_id       INTEGER REFERENCES people(id),
	org_id          INTEGER REFERENCES orgs(id),
	community_id    INTEGER NOT NULL REFERENCES places(id),
	name            TEXT NOT NULL DEFAULT '',
	capped          INTEGER NOT NULL DEFAULT 1,
	debits_posted   INTEGER NOT NULL DEFAULT 0,
	credits_posted  INTEGER NOT NULL DEFAULT 0,
	debits_pending  INTEGER NOT NULL DEFAULT 0,
	credits_pending INTEGER NOT NULL DEFAULT 0,
	earned          INTEGER NOT NULL DEFAULT 0,
	gift_day        INTEGER NOT NULL DEFAULT 0,
	gifted_today    INTEGER NOT NULL DEFAULT 0,
	district_id     INTEGER,
	created_at      INTEGER NOT NULL,
	CHECK (capped = 0 OR debits_posted + debits_pending <= credits_posted)
) STRICT;
CREATE INDEX points_accounts_person ON points_accounts(person_id);
CREATE INDEX points_accounts_community ON points_accounts(community_id, kind);

CREATE TABLE points_transfers (
	seq            INTEGER PRIMARY KEY,
	id             TEXT NOT NULL UNIQUE,
	debit_account  INTEGER NOT NULL REFERENCES points_accounts(id),
	credit_account INTEGER NOT NULL REFERENCES points_accounts(id),
	amount         INTEGER NOT NULL CHECK (amount > 0),
	code           TEXT NOT NULL CHECK (code IN ('earn', 'redeem', 'gift', 'adjust', 'expire', 'settle')),
	phase          TEXT NOT NULL CHECK (phase IN ('single', 'pending', 'post', 'void', 'expired')),
	pending_id     TEXT UNIQUE,
	timeout_at     INTEGER NOT NULL DEFAULT 0,
	ref            TEXT NOT NULL DEFAULT '',
	linked         INTEGER NOT NULL DEFAULT 0,
	created_by     INTEGER,
	at             INTEGER NOT NULL,
	district_id    INTEGER
) STRICT;
CREATE INDEX points_transfers_debit ON points_transfers(debit_account, seq);
CREATE INDEX points_transfers_credit ON points_transfers(credit_account, seq);

-- Open pending transfers (deleted when posted, voided or expired), for balances and expiry.
CREATE TABLE points_pending (
	transfer_seq   INTEGER PRIMARY KEY REFERENCES points_transfers(seq),
	debit_account  INTEGER NOT NULL,
	credit_account INTEGER NOT NULL,
	amount         INTEGER NOT NULL,
	timeout_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX points_pending_timeout ON points_pending(timeout_at);

CREATE TABLE points_rules (
	id              INTEGER PRIMARY KEY,
	code            TEXT NOT NULL UNIQUE,
	name            TEXT NOT NULL,
	unit            TEXT NOT NULL,
	points_per_unit INTEGER NOT NULL CHECK (points_per_unit >= 0),
	cap_per_outcome INTEGER NOT NULL CHECK (cap_per_outcome >= 0),
	cap_per_day     INTEGER NOT NULL CHECK (cap_per_day >= 0),
	enabled         INTEGER NOT NULL DEFAULT 1,
	updated_at      INTEGER NOT NULL,
	updated_by      INTEGER
) STRICT;
INSERT INTO points_rules(code, name, unit, points_per_unit, cap_per_outcome, cap_per_day, updated_at)
VALUES ('service_hours', '志愿服务时长（经组织者或服务对象确认）', '小时', 1, 8, 8, 0),
       ('wish_fulfilled', '微心愿认领完成并经确认', '个', 3, 3, 9, 0),
       ('case_solved', '诉求办结并获评价', '件', 2, 2, 10, 0),
       ('manual_award', '经审批的人工奖励', '分', 1, 200, 0, 0);

-- One row per verified outcome and person: the rules engine is idempotent per outcome.
CREATE TABLE points_outcomes (
	rule        TEXT NOT NULL,
	outcome_ref TEXT NOT NULL,
	person_id   INTEGER NOT NULL REFERENCES people(id),
	quantity    INTEGER NOT NULL,
	amount      INTEGER NOT NULL,
	transfer_id TEXT,
	day         INTEGER NOT NULL,
	at          INTEGER NOT NULL,
	district_id INTEGER,
	PRIMARY KEY (rule, outcome_ref, person_id)
) STRICT;
CREATE INDEX points_outcomes_person ON points_outcomes(person_id, rule, day);

-- Manual awards and adjustments wait for a second person with the approver role.
CREATE TABLE points_awards (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL CHECK (kind IN ('award', 'adjust')),
	account_id  INTEGER NOT NULL REFERENCES points_accounts(id),
	amount      INTEGER NOT NULL CHECK (amount <> 0),
	reason      TEXT NOT NULL,
	corrects    TEXT NOT NULL DEFAULT '',
	place_id    INTEGER NOT NULL REFERENCES places(id),
	status      TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected')),
	proposed_by INTEGER NOT NULL REFERENCES users(id),
	proposed_at INTEGER NOT NULL,
	decided_by  INTEGER REFERENCES users(id),
	decided_at  INTEGER,
	transfer_id TEXT,
	district_id INTEGER
) STRICT;
CREATE INDEX points_awards_status ON points_awards(status, id);

CREATE TABLE points_shops (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('supermarket', 'merchant')),
	place_id    INTEGER NOT NULL REFERENCES places(id),
	account_id  INTEGER NOT NULL UNIQUE REFERENCES points_accounts(id),
	active      INTEGER NOT NULL DEFAULT 1,
	district_id INTEGER,
	created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX points_shops_place ON points_shops(place_id);

CREATE TABLE points_shop_operators (
	shop_id    INTEGER NOT NULL REFERENCES points_shops(id),
	user_id    INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (shop_id, user_id)
) STRICT;
CREATE INDEX points_shop_operators_user ON points_shop_operators(user_id);

CREATE TABLE points_items (
	id         INTEGER PRIMARY KEY,
	shop_id    INTEGER NOT NULL REFERENCES points_shops(id),
	name       TEXT NOT NULL,
	price      INTEGER NOT NULL CHECK (price > 0),
	stock      INTEGER NOT NULL CHECK (stock >= 0),
	active     INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX points_items_shop ON points_items(shop_id, id);

-- One-time redemption codes: only a keyed hash is stored.
CREATE TABLE points_codes (
	id          INTEGER PRIMARY KEY,
	code_hash   TEXT NOT NULL UNIQUE,
	account_id  INTEGER NOT NULL REFERENCES points_accounts(id),
	shop_id     INTEGER NOT NULL REFERENCES points_shops(id),
	max_amount  INTEGER NOT NULL CHECK (max_amount > 0),
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	used_at     INTEGER,
	transfer_id TEXT
) STRICT;
CREATE INDEX points_codes_account ON points_codes(account_id, expires_at);

CREATE TABLE points_redemptions (
	id          INTEGER PRIMARY KEY,
	transfer_id TEXT NOT NULL UNIQUE,
	shop_id     INTEGER NOT NULL REFERENCES points_shops(id),
	account_id  INTEGER NOT NULL REFERENCES points_accounts(id),
	amount      INTEGER NOT NULL,
	created_by  INTEGER,
	created_at  INTEGER NOT NULL,
	district_id INTEGER
) STRICT;
CREATE INDEX points_redemptions_shop ON points_redemptions(shop_id, id);

CREATE TABLE points_redemption_items (
	redemption_id INTEGER NOT NULL REFERENCES points_redemptions(id),
	item_id       INTEGER NOT NULL REFERENCES points_items(id),
	quantity      INTEGER NOT NULL CHECK (quantity > 0),
	price         INTEGER NOT NULL,
	PRIMARY KEY (redemption_id, item_id)
) STRICT;
