-- Searching people by name (issue 14): each character of each person's name (ASCII letters in
-- lower case, as LIKE folds them), once, under their community and under their street. A
-- search for 张 in a community walks that community's 张 entries in person order and stops at
-- the page, instead of checking the name of everyone there until the page fills (~470 names
-- for a common surname, all ~13,000 for a full name that matches few). The search still
-- checks the whole text with LIKE; these entries only pick whom to check. Written with the
-- person (people_create); names and places never change.
CREATE TABLE people_name_chars (
	place_id  INTEGER NOT NULL, -- the person's community, or their street
	ch        TEXT NOT NULL,
	person_id INTEGER NOT NULL,
	PRIMARY KEY (place_id, ch, person_id)
) WITHOUT ROWID;
-- lower() folds ASCII letters only in SQLite built without ICU, as LIKE and the server do.
INSERT INTO people_name_chars(place_id, ch, person_id)
	WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k
		WHERE i < (SELECT coalesce(max(length(name)), 0) FROM people)),
	pc(place_id, ch, person_id) AS (
		SELECT pe.community_id, lower(substr(pe.name, k.i, 1)), pe.id FROM people pe
			JOIN k ON k.i <= length(pe.name) WHERE pe.community_id IS NOT NULL
		UNION ALL
		SELECT pe.street_id, lower(substr(pe.name, k.i, 1)), pe.id FROM people pe
			JOIN k ON k.i <= length(pe.name) WHERE pe.street_id IS NOT NULL)
	SELECT DISTINCT place_id, ch, person_id FROM pc ORDER BY 1, 2, 3;
