/* The demo city: Huangshi's real districts, streets and communities (NBS codes), grids and
 * buildings under them, and the demo accounts. The registry issue grows it into a year of
 * activity. */
#ifndef XF_DEMO_H
#define XF_DEMO_H

#include "../store/db.h"

enum demo_scale { DEMO_SMALL, DEMO_CITY };

struct demo_stats {
	int64_t places, districts, streets, communities, grids, buildings, accounts, people;
	int64_t households, orgs, members, cases;
	/* Optional: told how generation goes (the CLI draws it on the terminal). */
	void (*progress)(const char *stage, int64_t done, int64_t total, void *ctx);
	void *progress_ctx;
};

/* The deployment root, 黄石市 (kind city), if absent. */
int demo_create_root(struct db *db, int64_t *root_id, struct xf_err *err);
/* Fill a freshly migrated database; marks it as a demo city (meta demo=1). One transaction. */
int demo_generate(struct db *db, enum demo_scale scale, const char *password, struct demo_stats *st,
                  struct xf_err *err);
/* Both organisation lines, units, 两新, households, residents, members, posts, activities
 * (called by demo_generate inside its transaction). */
int demo_registry(struct db *db, enum demo_scale scale, struct demo_stats *st, struct xf_err *err);
/* Set every demo account's password (for `xingfu demo --password` on an existing demo). */
int demo_reset_passwords(struct db *db, const char *password, struct xf_err *err);

#endif
