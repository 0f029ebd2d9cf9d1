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
/* The actor's scope's path as one column of a caller's own statement (its parameter is the
 * scope's place id; '' when that place is gone, which holds nothing). */
#define AUTHZ_SCOPE_PATH "coalesce((SELECT s.path FROM places s WHERE s.id = ?), '')"
/* Decide the scope from a statement that read the place's path (column place_col) and
 * AUTHZ_SCOPE_PATH (scope_col); step_rc is what db_step answered. As authz_check: a place
 * that is not there (DB_DONE) is outside every scope, so nobody learns which ids exist.
 * XF_OK with the statement still on its row; otherwise the statement is reset and err says
 * out_of_scope (or carries db_step's own error). */
int authz_row_check(struct db_stmt *st, int step_rc, int place_col, int scope_col,
                    struct xf_err *err);

#endif
