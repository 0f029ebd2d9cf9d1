/* Accounts and password sessions. The identity issue adds second factors, lockout, roles
 * with place scope and SMS login on top of these functions. */
#ifndef XF_AUTH_H
#define XF_AUTH_H

#include "../http/http.h"

#define AUTH_COOKIE "xf_session"

struct app;

/* Create an account (inside a write job). password_hash from crypto_pw_hash. */
int auth_user_create(struct db *db, const char *username, const char *password_hash,
                     const char *display_name, const char *role, int64_t place_id,
                     bool must_change_password, int64_t *id_out, struct xf_err *err);
/* Check credentials on a read connection. XF_EAUTH for any mismatch (same message for an
 * unknown user and a wrong password). */
int auth_check_password(struct db *db, const char *username, const char *password, int64_t *user_id,
                        struct xf_err *err);
/* Start a session (inside a write job): fills token (for the cookie) and csrf. */
int auth_session_create(struct app *app, struct db *db, int64_t user_id, const char *ip,
                        char token[XF_TOKEN_CHARS], char csrf[XF_TOKEN_CHARS], struct xf_err *err);
/* Resolve a cookie token. XF_EAUTH when unknown, expired or idle too long. */
int auth_session_lookup(struct app *app, struct db *db, const char *token, struct xf_user *u,
                        struct xf_err *err);
int auth_session_delete(struct db *db, const char *token_hash, struct xf_err *err);
/* Refresh last_seen at most once a minute, without making the request wait. */
void auth_session_touch(struct app *app, const struct xf_user *u);
/* Load an account's public face (username, role, place) by id. */
int auth_user_load(struct db *db, int64_t id, struct xf_user *u, struct xf_err *err);
/* Remove expired sessions and old idempotency records (scheduled). */
int auth_purge(struct db *db, int64_t now, struct xf_err *err);

void auth_cookie_header(struct app *app, const char *token, char *out, size_t n);
void auth_clear_cookie_header(struct app *app, char *out, size_t n);
/* The user as JSON for /api/me and the login answer. */
json_t *auth_user_json(const struct xf_user *u);

#endif
