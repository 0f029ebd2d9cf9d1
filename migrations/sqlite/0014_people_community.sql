-- Searching a community's people (issue 14; the console's people page opens on the
-- worker's community): each person carries the nearest community above their place, set
-- once when the person is entered (places never move), so a search walks that community's
-- people in id order and stops at the page instead of reading and sorting all of them.
-- NULL for someone registered above any community.
ALTER TABLE people ADD COLUMN community_id INTEGER;
-- Each place under a community, with that community; the walk does not go below a nested
-- community, so a place gets its nearest one (as points_community_of does).
CREATE TEMP TABLE people_community_map(place_id INTEGER PRIMARY KEY, community INTEGER NOT NULL);
INSERT INTO people_community_map(place_id, community)
	WITH RECURSIVE pc(id, community) AS (SELECT id, id FROM places WHERE kind = 'community'
		UNION ALL SELECT c.id, pc.community FROM places c JOIN pc ON c.parent_id = pc.id
		WHERE c.kind <> 'community')
	SELECT id, community FROM pc;
UPDATE people SET community_id = m.community FROM people_community_map m
	WHERE m.place_id = people.place_id;
DROP TABLE people_community_map;
-- Covering: the page's columns are in the index, so only the household's name is read
-- elsewhere (a community's search 128 → 102 µs of CPU; 96 MB on the city database).
CREATE INDEX people_community ON people(community_id, id, name, gender, phone_mask, id_mask,
	place_id);
-- A district's people in id order (its officials' people page opens on it): everyone in a
-- district's subtree carries its id (people.district_id, set from the place).
CREATE INDEX people_district ON people(district_id, id, name);
