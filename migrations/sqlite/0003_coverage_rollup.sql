-- Coverage at the city, district and street levels, rolled up from the whole tree by the
-- scheduler (a city-wide count takes seconds; a street's answer must take milliseconds).
-- Communities and below are always counted live.
CREATE TABLE coverage_rollup (
	place_id    INTEGER NOT NULL REFERENCES places(id),
	metric      TEXT NOT NULL,
	count       INTEGER NOT NULL,
	total       INTEGER NOT NULL,
	computed_at INTEGER NOT NULL,
	PRIMARY KEY (place_id, metric)
) STRICT;
