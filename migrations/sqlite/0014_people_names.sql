-- People search (issue 14): `name LIKE '%…%'` within a community or grid walks its people
-- through people_place. With the name in the index the engine tests it there and reads the
-- (large) row of only the people who match: about half the time of a community's search.
-- The index replaces people_place, so a write maintains no more indexes than before.
DROP INDEX people_place;
CREATE INDEX people_place ON people(place_id, name);
