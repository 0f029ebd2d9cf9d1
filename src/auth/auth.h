/* Accounts, grants, sessions, lockout and API tokens (no HTTP here). The route layer calls
 * these; every check on state happens inside a write job or on a fresh read. */
#ifndef XF_AUTH_H
#define XF_AUTH_H

#include "../core/buf.h"
#include "../http/http.h"

#define AUTH_COOKIE "xf_session"

struct app;

/* Create an account. password_hash may be "" (SMS-only until a password is set); phone may
 * be NULL. */
int auth_user_create(struct db *db, const char *username, const char *password_hash,
                     const char *display_name, int64_t person_id, const char *phone,
                     int64_t *id_out, struct xf_err *err);
int auth_grant_add(struct db *db, int64_t user_id, const char *role, int64_t place_id,
                   int64_t created_by, int64_t *id_out, struct xf_err *err);

/* What a login needs to know about an account. */
struct login_info {
	int64_t id;
	char hash[160];
	bool disabled;
	int64_t locked_until;
	int64_t failed;
	bool totp_enabled;
	char totp_secret[64]; /* hex, opened from its sealed form */
	bool staff;           /* holds a staff grant: a second factor is required */
	int64_t password_changed_at;
};
/* XF_ENOTFOUND when no such account. */
int auth_login_load(struct db *db, const char *username, const char *phone_bidx,
                    struct login_info *li, struct xf_err *err);
/* Verify against the account's hash, or a dummy one when li is NULL (same cost). */
bool auth_verify_password(const struct login_info *li, const char *password);
/* Count a failure (inside a job); locks the account after max failures. *locked is set when
 * this failure locked it. */
int auth_login_failed(struct db *db, int64_t user_id, int max_failures, int lock_seconds,
                      bool *locked, struct xf_err *err);
/* Start a session (inside a job): resets the failure count, ends the session being replaced
 * (session id rotation at login), picks the first grant. */
int auth_session_create(struct app *app, struct db *db, int64_t user_id, const char *ip,
                        const char *user_agent, bool mfa_ok, const char *replaces_token_hash,
                        char token[XF_TOKEN_CHARS], char csrf[XF_TOKEN_CHARS], struct xf_err *err);
/* Resolve a cookie token. XF_EAUTH when unknown, expired, idle too long or disabled. Every
 * request asks, so it leaves out what only GET /api/session shows: place_name and ngrants
 * (auth_user_describe). */
int auth_session_lookup(struct app *app, struct db *db, const char *token, struct xf_user *u,
                        struct xf_err *err);
int auth_session_delete(struct db *db, const char *token_hash, struct xf_err *err);
/* End one session of a user (XF_ENOTFOUND if it is not theirs), or all of them (id 0). */
int auth_sessions_revoke(struct db *db, int64_t user_id, int64_t session_id, struct xf_err *err);
/* Refresh last_seen at most once a minute, without making the request wait. */
void auth_session_touch(struct app *app, const struct xf_user *u);
/* Switch the session's active grant to one the user holds. */
int auth_session_set_grant(struct db *db, int64_t session_id, int64_t user_id, int64_t grant_id,
                           struct xf_err *err);
/* Fill u's place_name (its grant's place) and ngrants (how many grants it holds). */
int auth_user_describe(struct db *db, struct xf_user *u, struct xf_err *err);
/* Load an account and its first grant (or grant_id when > 0). */
int auth_user_load(struct db *db, int64_t id, int64_t grant_id, struct xf_user *u,
                   struct xf_err *err);
int auth_set_password(struct db *db, int64_t user_id, const char *password_hash, bool must_change,
                      struct xf_err *err);
/* Disable or enable an account; disabling ends its sessions. */
int auth_set_disabled(struct db *db, int64_t user_id, bool disabled, struct xf_err *err);

/* API tokens: "xf_" + 43 characters, shown once, stored as a digest. */
int auth_token_create(struct db *db, const char *name, const char *scope, int64_t expires_at,
                      int64_t created_by, char token[48], int64_t *id_out, struct xf_err *err);
int auth_token_lookup(struct db *db, const char *token, struct xf_user *u, struct xf_err *err);
int auth_token_revoke(struct db *db, int64_t id, struct xf_err *err);
bool auth_token_scope_valid(const char *scope);

/* Remove expired sessions, SMS codes and old idempotency records (scheduled). */
int auth_purge(struct db *db, int64_t now, struct xf_err *err);

void auth_cookie_header(struct app *app, const char *token, char *out, size_t n);
void auth_clear_cookie_header(struct app *app, char *out, size_t n);
/* The user as JSON for /api/me and the login answer. */
json_t *auth_user_json(const struct xf_user *u);
/* A password acceptable under the deployment's policy? (length, composition) */
int auth_password_policy(struct app *app, const char *password, struct xf_err *err);

#endif
