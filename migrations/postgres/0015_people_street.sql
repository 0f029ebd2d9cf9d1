-- PostgreSQL twin of migrations/sqlite/0015_people_street.sql.
-- Searching a street's people (issue 14): each person carries the nearest street above
-- their place, set once when the person is entered (places never move); NULL for someone
-- registered above any street.
ALTER TABLE people ADD COLUMN street_id bigint;
WITH RECURSIVE ps(id, street) AS (SELECT id, id FROM places WHERE kind = 'street'
	UNION ALL SELECT c.id, ps.street FROM places c JOIN ps ON c.parent_id = ps.id
	WHERE c.kind <> 'street')
UPDATE people pe SET street_id = ps.street FROM ps WHERE ps.id = pe.place_id;
CREATE INDEX people_street ON people(street_id, id, name);
