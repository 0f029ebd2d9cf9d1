/* The deployment's configuration file (/etc/xingfu/xingfu.conf): `key = value` lines and `#`
 * comment lines, checked against one table of keys (documented in packaging/xingfu.1), applied
 * to the server's settings and — for what lives in the database (SLA tiers, points rules…) —
 * through the same validated domain functions the API calls. */
#ifndef XF_CONFIG_H
#define XF_CONFIG_H

#include "../core/xf.h"

struct app_config;
struct db;

struct config_line {
	int line; /* 1-based, as an editor shows it */
	char *key;
	char *value;
};

struct config {
	char *path;
	struct config_line *lines; /* only the valid ones */
	size_t n;
};

/* One bad line: "第 N 行 / line N" and why. line 0 = the file as a whole. */
struct config_problem {
	int line;
	char code[32];     /* unknown_key, bad_value, duplicate_key, reserved_key, syntax … */
	char message[300]; /* Chinese, naming the key */
};

struct config_problems {
	struct config_problem *v;
	size_t n;
};

/* What a key is and where it goes. */
enum config_where {
	CONFIG_CLI,   /* read by the command line: db, key_file, access_log */
	CONFIG_APP,   /* a field of struct app_config */
	CONFIG_DB,    /* stored in the database through a domain function */
	CONFIG_SENDER /* the notification gateways */
};

struct config_key {
	const char *name; /* "listen"; a prefix ends in '.' ("sla.") */
	const char *type; /* for the man page and errors: "整数 1–64", "地址:端口" … */
	enum config_where where;
	bool reload;     /* SIGHUP applies it; otherwise it needs a restart */
	const char *doc; /* one line, Chinese */
};
/* The documented keys, in the man page's order. */
size_t config_key_count(void);
const struct config_key *config_key_get(size_t i);

/* Read and check path. XF_OK when the file could be read — problems (if any) are in probs and
 * the bad lines are left out of c; XF_EIO (with err) when it could not be read at all. */
int config_load(const char *path, struct config *c, struct config_problems *probs,
                struct xf_err *err);
void config_free(struct config *c);
void config_problems_free(struct config_problems *p);
/* The value of key, or NULL. */
const char *config_get(const struct config *c, const char *key);
/* The line key was set on (0 if it was not). */
int config_line_of(const struct config *c, const char *key);

/* Put the file's process settings into cfg. With reload, only the keys marked reload, stored
 * so that threads reading them meanwhile see the old or the new value. */
void config_apply_app(const struct config *c, struct app_config *cfg, bool reload);
/* The database settings (SLA tiers, case settings, points rules and gift limit, co-building),
 * each through its domain function, plus one audit row; call inside one write job. On a
 * failure err names the line. */
int config_apply_db(struct db *db, const struct config *c, struct xf_err *err);
/* Does the file set anything that config_apply_db writes? */
bool config_has_db_settings(const struct config *c);
/* Keys whose values differ between a and b and that need a restart: calls fn for each. */
void config_restart_changes(const struct config *a, const struct config *b,
                            void (*fn)(const char *key, void *ctx), void *ctx);

#endif
