-- PostgreSQL twin of migrations/sqlite/0016_people_name_chars.sql.
-- Searching people by name (issue 14): each character of each person's name (ASCII letters in
-- lower case, as the server folds them), once, under their community and under their street;
-- a search walks one character's entries in person order and still checks the whole text
-- with LIKE. Written with the person (people_create); names and places never change.
CREATE TABLE people_name_chars (
	place_id  bigint NOT NULL,
	ch        text NOT NULL,
	person_id bigint NOT NULL,
	PRIMARY KEY (place_id, ch, person_id)
);
-- translate(), not lower(): PostgreSQL's lower() folds every script, the server only ASCII.
INSERT INTO people_name_chars(place_id, ch, person_id)
	SELECT DISTINCT s.place_id, translate(substr(pe.name, k, 1),
		'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), pe.id
	FROM people pe CROSS JOIN LATERAL (VALUES (pe.community_id), (pe.street_id)) AS s(place_id)
	CROSS JOIN LATERAL generate_series(1, length(pe.name)) AS k
	WHERE s.place_id IS NOT NULL;
-- place_name(id): a place's name, as SQLite's connections provide it (src/store/sqlite.c,
-- where a reader keeps the names it has read until the database changes); the server's
-- PostgreSQL statements join places instead.
CREATE FUNCTION place_name(bigint) RETURNS text LANGUAGE sql STABLE
	AS $$ SELECT name FROM places WHERE id = $1 $$;
