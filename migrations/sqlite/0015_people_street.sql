-- Searching a street's people (issue 14; a street official's people page opens on the
-- street): each person carries the nearest street above their place, set once when the
-- person is entered (places never move), so a search walks that street's people in id order
-- and stops at the page instead of reading all of them (~88,000 in a city street) through
-- their places. NULL for someone registered above any street.
ALTER TABLE people ADD COLUMN street_id INTEGER;
-- Each place under a street, with that street; the walk does not go below a nested street,
-- so a place gets its nearest one (as people.community_id does for communities).
CREATE TEMP TABLE people_street_map(place_id INTEGER PRIMARY KEY, street INTEGER NOT NULL);
INSERT INTO people_street_map(place_id, street)
	WITH RECURSIVE ps(id, street) AS (SELECT id, id FROM places WHERE kind = 'street'
		UNION ALL SELECT c.id, ps.street FROM places c JOIN ps ON c.parent_id = ps.id
		WHERE c.kind <> 'street')
	SELECT id, street FROM ps;
UPDATE people SET street_id = m.street FROM people_street_map m
	WHERE m.place_id = people.place_id;
DROP TABLE people_street_map;
CREATE INDEX people_street ON people(street_id, id, name);
