/* People and their personal data: phone, ID number and address sealed at rest, found by
 * blind index, masked in every answer; plain text only through people_reveal. The registry
 * issue grows this into households, members and positions. */
#ifndef XF_PEOPLE_H
#define XF_PEOPLE_H

#include "../store/db.h"
#include <jansson.h>

struct person_in {
	int64_t place_id;
	const char *name;
	const char *gender; /* "", "M", "F" */
	int64_t birth_year;
	const char *phone;     /* NULL = none */
	const char *id_number; /* NULL = none */
	const char *address;   /* NULL = none */
	/* Every person has a points account, opened here in the same transaction; a bulk
	 * loader that opens them all afterwards in one statement (the demo) sets this. */
	bool defer_account;
};

/* The longest name, in characters (the import takes up to 32). */
#define PEOPLE_NAME_MAX 64

/* Validates formats (ID checksum, mobile number) and de-duplicates by ID number. */
int people_create(struct db *db, const struct person_in *p, int64_t *id_out, struct xf_err *err);
/* The owning place of a person (for scope checks). XF_ENOTFOUND when absent. */
int people_place(struct db *db, int64_t id, int64_t *place_id, struct xf_err *err);
/* Masked JSON: id, name, place, phone and id_number masked, address masked. */
int people_get_json(struct db *db, int64_t id, json_t **out, struct xf_err *err);
/* Plain text of the sealed fields (caller audits). */
int people_reveal(struct db *db, int64_t id, json_t **out, struct xf_err *err);

/* Column helpers for sealed values, under the key now installed: bind plain text sealed, or
 * its blind index (NULL binds NULL); read a sealed column back (NULL when empty or not
 * openable; caller frees). */
void people_bind_sealed(struct db_stmt *st, int idx, const char *plain);
void people_bind_bidx(struct db_stmt *st, int idx, const char *kind, const char *plain);
char *people_open_col(struct db_stmt *st, int col);

#endif
