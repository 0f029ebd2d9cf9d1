-- PostgreSQL twin of migrations/sqlite/0017_coverage_rollup_figures.sql.
-- A coverage report reads each place's seven rolled-up figures (issue 14): an index that holds
-- them, so that the read needs no visit to the table (an index-only scan where the visibility
-- map allows).
CREATE INDEX coverage_rollup_figures ON coverage_rollup(place_id, metric, count, total, computed_at);
