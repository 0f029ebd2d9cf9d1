-- PostgreSQL twin of migrations/sqlite/0003_coverage_rollup.sql.
-- Coverage at the city, district and street levels, rolled up from the whole tree by the
-- scheduler (a city-wide count takes seconds; a street's answer must take milliseconds).
-- Communities and below are always counted live.
CREATE TABLE coverage_rollup (
	place_id    bigint NOT NULL REFERENCES places(id),
	metric      text NOT NULL,
	count       bigint NOT NULL,
	total       bigint NOT NULL,
	computed_at bigint NOT NULL,
	PRIMARY KEY (place_id, metric)
);
