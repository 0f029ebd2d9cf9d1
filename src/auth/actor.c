#include "actor.h"
#include "../http/http.h"
#include "policy.h"

void actor_from_user(const struct xf_user *u, struct actor *a)
{
	a->user_id = u->id;
	a->role = u->role;
	a->place_id = u->place_id;
	a->person_id = u->person_id;
}

bool actor_inside(struct db *db, int64_t scope, int64_t place)
{
	struct xf_err e;
	bool in = false;
	return scope > 0 && place > 0 && authz_in_subtree(db, scope, place, &in, &e) == XF_OK && in;
}

bool actor_may(struct db *db, const struct actor *a, const char *perm, int64_t place)
{
	return policy_allows(a->role, perm) && actor_inside(db, a->place_id, place);
}

int actor_need(struct db *db, const struct actor *a, const char *perm, int64_t place,
               struct xf_err *err)
{
	if (!policy_allows(a->role, perm))
		return xf_fail(err, XF_EPERM, "forbidden", "没有权限执行此操作");
	if (!actor_inside(db, a->place_id, place))
		return xf_fail(err, XF_EPERM, "out_of_scope", "该对象不在您的管辖范围内");
	return XF_OK;
}
