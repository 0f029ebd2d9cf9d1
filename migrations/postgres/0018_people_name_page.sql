-- PostgreSQL twin of migrations/sqlite/0018_people_name_page.sql.
-- A search by name reads its page from the name entries alone (issue 14): each entry of
-- people_name_chars now also carries what a page of the search shows of its person (name,
-- gender, the masked phone and ID number, and their own place). Written with the person
-- (people_create); none of these columns change after it.
CREATE TABLE people_name_page (
	place_id   bigint NOT NULL,
	ch         text NOT NULL,
	person_id  bigint NOT NULL,
	name       text NOT NULL,
	gender     text NOT NULL,
	phone_mask text NOT NULL,
	id_mask    text NOT NULL,
	home_id    bigint NOT NULL,
	PRIMARY KEY (place_id, ch, person_id)
);
INSERT INTO people_name_page(place_id, ch, person_id, name, gender, phone_mask, id_mask,
		home_id)
	SELECT c.place_id, c.ch, c.person_id, pe.name, pe.gender, pe.phone_mask, pe.id_mask,
		pe.place_id
	FROM people_name_chars c JOIN people pe ON pe.id = c.person_id;
DROP TABLE people_name_chars;
ALTER TABLE people_name_page RENAME TO people_name_chars;
ALTER INDEX people_name_page_pkey RENAME TO people_name_chars_pkey;
