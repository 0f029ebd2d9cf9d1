/* Operations: `xingfu config check|keys`, and the check behind `xingfu backup --verify`. */
#include "cli.h"
#include "../api/config.h"
#include "../auth/audit.h"
#include "../points/points.h"
#include "../store/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_CONFIG "/etc/xingfu/xingfu.conf"

static int config_check(const char *path)
{
	struct config c;
	struct config_problems probs;
	struct xf_err err;
	xf_err_clear(&err);
	if (config_load(path, &c, &probs, &err) != XF_OK)
		return cli_fail(&err);
	int rc = CLI_EXIT_OK;
	if (probs.n) {
		cli_config_print_problems(path, &probs);
		fprintf(stderr, "配置文件 %s 有 %zu 处错误 / %zu problem(s)\n", path, probs.n,
		        probs.n);
		rc = CLI_EXIT_FAIL;
	} else {
		printf("配置文件 %s 正确：%zu 项设置 / OK, %zu setting(s)\n", path, c.n, c.n);
	}
	/* Secrets in a file others can read: say so (the check itself still passes). */
	struct stat st;
	bool secrets = config_get(&c, "metrics_token") || config_get(&c, "sms_webhook_secret") ||
	               config_get(&c, "wechat_webhook_secret");
	if (secrets && stat(path, &st) == 0 && (st.st_mode & S_IROTH))
		fprintf(
		    stderr,
		    "警告：%s 含有令牌或密钥，却允许所有用户读取；建议 chmod 640 并属组 xingfu\n",
		    path);
	config_problems_free(&probs);
	config_free(&c);
	return rc;
}

static int config_keys(void)
{
	for (size_t i = 0; i < config_key_count(); i++) {
		const struct config_key *k = config_key_get(i);
		size_t n = strlen(k->name);
		printf("%s%s\t%s\t%s\t%s\n", k->name, k->name[n - 1] == '.' ? "*" : "", k->type,
		       k->reload ? "SIGHUP" : "restart", k->doc);
	}
	return CLI_EXIT_OK;
}

int cmd_config(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse("config", argc, argv, "", 2, &o);
	if (rc)
		return rc;
	if (o.npos >= 1 && strcmp(o.pos[0], "check") == 0)
		return config_check(o.npos == 2 ? o.pos[1] : DEFAULT_CONFIG);
	if (o.npos == 1 && strcmp(o.pos[0], "keys") == 0)
		return config_keys();
	fprintf(stderr, "xingfu config: 用法 xingfu config check [FILE] | xingfu config keys（运行 "
	                "xingfu help config 查看用法）\n");
	return CLI_EXIT_USAGE;
}

/* ---- backup --verify ---- */

/* SQLite's own checks on the file, opened immutable (nothing written beside it): every
 * page and index (integrity_check), every foreign key, and the rows of each table. */
static int file_checks(const char *path, int64_t *tables, int64_t *rows, struct xf_err *err)
{
	char uri[4200];
	snprintf(uri, sizeof uri, "file:%s?immutable=1", path);
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(uri, &h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	sqlite3_stmt *st = NULL;
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		xf_fail(err, XF_EIO, "backup_unreadable", "无法读取备份 %s：%s", path,
		        h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return err->status;
	}
	char first[200] = "";
	while (sqlite3_step(st) == SQLITE_ROW && !first[0]) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		if (v && strcmp(v, "ok") != 0 && strncmp(v, "*** in database", 15) != 0)
			snprintf(first, sizeof first, "%s", v);
	}
	if (sqlite3_finalize(st) != SQLITE_OK && !first[0])
		snprintf(first, sizeof first, "%s", sqlite3_errmsg(h));
	int status = XF_OK;
	if (first[0])
		status = xf_fail(err, XF_EDB, "backup_corrupt",
		                 "备份文件损坏（integrity_check）：%s", first);
	if (status == XF_OK &&
	    sqlite3_prepare_v2(h, "PRAGMA foreign_key_check", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			status = xf_fail(err, XF_EDB, "backup_corrupt",
			                 "备份中有指向不存在记录的外键（表 %s）",
			                 (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	/* Rows per table: names come from the schema itself, never from outside. */
	if (status == XF_OK &&
	    sqlite3_prepare_v2(h,
	                       "SELECT name FROM sqlite_schema WHERE type = 'table'"
	                       " AND name NOT LIKE 'sqlite_%' ORDER BY name",
	                       -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			/* %w doubles any '"' in the name: a quoted identifier whatever it holds. */
			char *q = sqlite3_mprintf("SELECT count(*) FROM \"%w\"",
			                          (const char *)sqlite3_column_text(st, 0));
			sqlite3_stmt *c = NULL;
			if (q && sqlite3_prepare_v2(h, q, -1, &c, NULL) == SQLITE_OK &&
			    sqlite3_step(c) == SQLITE_ROW) {
				*rows += sqlite3_column_int64(c, 0);
				(*tables)++;
			}
			sqlite3_finalize(c);
			sqlite3_free(q);
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return status;
}

static int64_t count_of(struct db *db, const char *table)
{
	struct xf_err e;
	int64_t n = -1;
	if (strcmp(table, "people") == 0)
		db_int(db, &e, &n, "SELECT count(*) FROM people", "");
	else if (strcmp(table, "cases") == 0)
		db_int(db, &e, &n, "SELECT count(*) FROM cases", "");
	else if (strcmp(table, "users") == 0)
		db_int(db, &e, &n, "SELECT count(*) FROM users", "");
	return n;
}

int cli_backup_verify(const char *path, const char *keyf)
{
	struct xf_err err;
	xf_err_clear(&err);
	int64_t tables = 0, rows = 0;
	if (file_checks(path, &tables, &rows, &err) != XF_OK)
		return cli_fail(&err);
	struct db *db;
	if (db_open(path, DB_OPEN_READER, &db, &err) != XF_OK)
		return cli_fail(&err);
	struct points_verify_report pr;
	struct audit_report ar;
	int rc = store_check_version(db, &err);
	if (rc == XF_OK)
		rc = points_verify(db, &pr, &err);
	if (rc == XF_OK && (rc = cli_key_ready(keyf, false, db, &err)) != XF_OK)
		snprintf(err.message + strlen(err.message),
		         sizeof err.message - strlen(err.message),
		         "（校验审计链需要这个数据库的密钥文件）");
	if (rc == XF_OK)
		rc = audit_verify(db, &ar, &err);
	int64_t people = count_of(db, "people"), cases = count_of(db, "cases"),
	        users = count_of(db, "users");
	db_close(db);
	if (rc != XF_OK)
		return cli_fail(&err);
	int bad = 0;
	if (pr.bad_accounts || !pr.balanced || !pr.pending_consistent) {
		fprintf(stderr, "xingfu: 备份中的积分账本不一致（%lld 个账户不符）：%s\n",
		        (long long)pr.bad_accounts, pr.first_bad);
		bad = 1;
	}
	if (ar.broken_id) {
		fprintf(stderr, "xingfu: 备份中的审计日志哈希链断裂：id=%lld（%s）\n",
		        (long long)ar.broken_id, ar.reason);
		bad = 1;
	}
	if (bad)
		return CLI_EXIT_FAIL;
	printf("备份 %s 校验通过：文件完整（integrity_check、外键），结构版本 %d，"
	       "积分账本与流水相符，审计哈希链完整（%lld 条已入链，%lld 条待入链）。\n",
	       path, store_schema_version(), (long long)ar.chained, (long long)ar.pending);
	/* One line for scripts that compare a backup with its source or its restore. */
	printf("counts: tables=%lld rows=%lld users=%lld people=%lld cases=%lld"
	       " points_accounts=%lld points_transfers=%lld points_debits=%lld audit=%lld\n",
	       (long long)tables, (long long)rows, (long long)users, (long long)people,
	       (long long)cases, (long long)pr.accounts, (long long)pr.transfers,
	       (long long)pr.total_debits, (long long)ar.rows);
	return CLI_EXIT_OK;
}
