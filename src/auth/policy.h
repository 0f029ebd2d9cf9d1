/* Who may do what: the roles, the permissions each role holds, and the one function every
 * object-level check goes through (a grant's scope is its place's subtree). */
#ifndef XF_POLICY_H
#define XF_POLICY_H

#include "../store/db.h"

struct xf_user;

struct role_info {
	const char *code;
	const char *label; /* Chinese */
	bool staff;        /* staff sign in with a second factor */
};

extern const struct role_info policy_roles[];
extern const size_t policy_nroles;

const struct role_info *policy_role(const char *code);
/* Does the role hold the permission? "self" is held by every role. */
bool policy_allows(const char *role, const char *perm);
/* The permissions a role holds (besides "self"), at most max, in table order. */
size_t policy_role_permissions(const char *role, const char **out, size_t max);
/* All permissions, for documentation and the authorisation-matrix test. */
extern const char *const policy_permissions[];

/* The user's active grant may use perm on an object owned by place_id (0 = not tied to a
 * place: only the permission is checked). XF_EPERM with code "forbidden" or "out_of_scope". */
int authz_check(struct db *db, const struct xf_user *u, const char *perm, int64_t place_id,
                struct xf_err *err);
/* Is `place_id` inside the subtree of `scope_place_id`? */
int authz_in_subtree(struct db *db, int64_t scope_place_id, int64_t place_id, bool *inside,
                     struct xf_err *err);
/* The same answer from the two places' paths, for a caller that has read them with its own
 * query (no statement of its own): the place's path starts with the scope's ("/1/4844/"
 * holds "/1/4844/8261/"). No scope (an empty path) holds nothing. */
bool authz_path_inside(const char *scope_path, const char *place_path);

#endif
