-- PostgreSQL twin of migrations/sqlite/0014_people_names.sql.
-- People search (issue 14): `name LIKE '%…%'` within a community or grid walks its people
-- through people_place. With the name in the index the engine tests it there and reads the
-- (large) row of only the people who match. The index replaces people_place.
DROP INDEX people_place;
CREATE INDEX people_place ON people(place_id, name);
