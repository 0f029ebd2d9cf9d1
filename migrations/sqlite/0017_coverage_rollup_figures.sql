-- A coverage report reads each place's seven rolled-up figures (issue 14): through the primary
-- key's index, then the table for each row — a street's report, the street and its ~10
-- communities, went to the table ~77 times. This index holds the figures themselves, so the
-- read is one range of one index. The rollup is ~1,100 rows at city scale.
CREATE INDEX coverage_rollup_figures ON coverage_rollup(place_id, metric, count, total, computed_at);
