-- 数据驾驶舱: the figures of every city, district, street and community rolled up by the
-- scheduler (month 0 = the whole year, 1–12 = per month for trend figures; a missing row is
-- zero once the year's meta row exists), and the report packs generated on request.
CREATE TABLE dash_rollup (
	year     INTEGER NOT NULL,
	place_id INTEGER NOT NULL,
	figure   TEXT NOT NULL,
	month    INTEGER NOT NULL,
	n        INTEGER NOT NULL,
	value    INTEGER NOT NULL,
	PRIMARY KEY (place_id, year, figure, month)
) STRICT;

CREATE TABLE dash_rollup_meta (
	year        INTEGER PRIMARY KEY,
	computed_at INTEGER NOT NULL
) STRICT;

CREATE TABLE report_packs (
	id          INTEGER PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users(id),
	place_id    INTEGER NOT NULL REFERENCES places(id),
	year        INTEGER NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
	progress    INTEGER NOT NULL DEFAULT 0,
	error       TEXT NOT NULL DEFAULT '',
	xlsx        BLOB,
	html        BLOB,
	created_at  INTEGER NOT NULL,
	done_at     INTEGER
) STRICT;
CREATE INDEX report_packs_user ON report_packs(user_id, id);

-- The dashboard counts a place's records by walking its subtree's places and each table by
-- its place: the tables that lacked that index get it.
CREATE INDEX activities_place ON activities(place_id, starts_at);
CREATE INDEX agreements_place ON agreements(place_id, year);
CREATE INDEX cadres_place ON cadres(place_id);
CREATE INDEX wishes_place ON wishes(place_id);
