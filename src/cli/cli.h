/* The command line: one table of subcommands (cli/main.c), shared option parsing, and the
 * serve loop that `serve` and `demo` both end in. Only this layer may exit(). */
#ifndef XF_CLI_H
#define XF_CLI_H

#include "../core/xf.h"
#include "../store/db.h"

#define CLI_EXIT_OK    0
#define CLI_EXIT_FAIL  1
#define CLI_EXIT_USAGE 2

struct cli_opts {
	const char *db;
	const char *listen;
	const char *key_file;
	const char *admin;
	const char *scale;
	const char *password;
	const char *access_log;
	const char *outbox_log;
	const char *trusted_proxies;
	const char *per_ip_limit;
	const char *name;
	const char *scope;
	const char *expires;
	const char *new_key_file;
	const char *config; /* --config FILE (any command), else $XINGFU_CONFIG */
	bool generate_only;
	bool dry_run;
	bool force;
	bool verify; /* backup --verify */
	const char *pos[8];
	int npos;
};

/* Parse argv[1..] (after the command name). `allowed` lists the flags this command takes,
 * comma-separated ("db,listen"). Flags may come before or after positionals.
 * Prints a one-line hint and returns CLI_EXIT_USAGE on a usage error, else CLI_EXIT_OK. */
int cli_parse(const char *cmd, int argc, char **argv, const char *allowed, int max_pos,
              struct cli_opts *o);
/* The configuration file loaded by cli_parse (--config or $XINGFU_CONFIG), or NULL. */
struct config;
const struct config *cli_config(void);
void cli_config_release(void);
/* The database target: --db, else $XINGFU_DB, else the config file's db, else fallback. */
const char *cli_db(const struct cli_opts *o, const char *fallback);
/* The key file: --key-file, else $XINGFU_KEY_FILE, else the config file's key_file, else
 * "<db>.key". Result is static. */
const char *cli_key_file(const struct cli_opts *o, const char *db);
const char *cli_listen(const struct cli_opts *o);
int cli_fail(const struct xf_err *err);
/* Load the key file (creating it first when create is set), install it for personal data,
 * and check it against the database's key check value (written when absent and db is
 * writable). A key that does not match the database is refused. */
int cli_key_ready(const char *keyf, bool create, struct db *db, struct xf_err *err);
/* Serve an existing database until SIGINT/SIGTERM. */
int cli_serve_db(const char *db, const struct cli_opts *o, bool print_demo_accounts,
                 const char *demo_password);

int cmd_init(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_rotate_key(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_points(int argc, char **argv);
int cmd_config(int argc, char **argv);
/* Check a backup file (cmds_ops.c): integrity, schema version, the points ledger and the
 * audit chain under keyf; prints what it holds. CLI_EXIT_OK or CLI_EXIT_FAIL. */
int cli_backup_verify(const char *path, const char *keyf);
/* Print a configuration file's problems as "FILE 第 N 行 / line N：code：message". */
struct config_problems;
void cli_config_print_problems(const char *path, const struct config_problems *p);

#endif
