/* Who is acting, as the domain modules see it: the account (0 for the system), its active
 * role and grant place (the scope), and its person. Modules written as "operations"
 * (src/coop, src/funds) take one, a checked JSON body or query, an object id and the time,
 * and answer JSON; src/api/ops.c runs them on a reader or inside a write job. */
#ifndef XF_ACTOR_H
#define XF_ACTOR_H

#include "../store/db.h"
#include <jansson.h>
#include <stdbool.h>

struct xf_user;

struct actor {
	int64_t user_id;
	const char *role;
	int64_t place_id; /* the active grant's place */
	int64_t person_id;
};
void actor_from_user(const struct xf_user *u, struct actor *a);

/* Is place inside the subtree of scope? May the actor use perm on an object at place (its
 * role holds perm and the place lies in its grant's subtree)? actor_need says why not. */
bool actor_inside(struct db *db, int64_t scope, int64_t place);
bool actor_may(struct db *db, const struct actor *a, const char *perm, int64_t place);
int actor_need(struct db *db, const struct actor *a, const char *perm, int64_t place,
               struct xf_err *err);

typedef int (*actor_op)(struct db *db, const struct actor *a, json_t *body, int64_t id, int64_t now,
                        json_t **out, struct xf_err *err);

#endif
