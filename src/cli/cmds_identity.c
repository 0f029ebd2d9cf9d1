/* token create, audit verify, rotate-key. */
#include "cli.h"
#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/crypto.h"
#include "../core/pii.h"
#include "../core/str.h"
#include "../io/table.h"
#include "../registry/import.h"
#include "../registry/people.h"
#include "../store/store.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int open_current(const char *path, struct db **db, struct xf_err *err)
{
	struct stat st;
	if (!db_is_postgres_url(path) && stat(path, &st) != 0)
		return xf_fail(err, XF_ENOTFOUND, "db_missing", "数据库 %s 不存在", path);
	int rc = db_open(path, DB_OPEN_WRITER, db, err);
	if (rc == XF_OK && (rc = store_check_version(*db, err)) != XF_OK) {
		db_close(*db);
		*db = NULL;
	}
	return rc;
}

int cmd_token(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse("token", argc, argv, "db,key-file,name,scope,expires", 1, &o);
	if (rc)
		return rc;
	if (o.npos != 1 || strcmp(o.pos[0], "create") != 0 || !o.name || !o.scope) {
		fprintf(stderr,
		        "xingfu token: 用法 xingfu token create --name 名称 --scope 范围"
		        " [--expires 天数] --db 数据库（运行 xingfu help token 查看用法）\n");
		return CLI_EXIT_USAGE;
	}
	int64_t days = 365;
	if (o.expires && (!parse_i64(o.expires, &days) || days < 1 || days > 3650)) {
		fprintf(stderr, "xingfu token: --expires 应为 1–3650 天\n");
		return CLI_EXIT_USAGE;
	}
	if (!auth_token_scope_valid(o.scope)) {
		fprintf(stderr, "xingfu token: --scope 只能是 open311、12345 或 export\n");
		return CLI_EXIT_USAGE;
	}
	if (strlen(o.name) > 64) {
		fprintf(stderr, "xingfu token: --name 最多 64 个字符\n");
		return CLI_EXIT_USAGE;
	}
	const char *path = cli_db(&o, "xingfu.db");
	struct xf_err err;
	xf_err_clear(&err);
	struct db *db;
	if (open_current(path, &db, &err) != XF_OK)
		return cli_fail(&err);
	char token[48];
	int64_t id, expires = clock_now() + days * 86400;
	struct audit_entry e = {
	    .action = "tokens.create", .ip = "cli", .outcome = "ok", .detail = o.scope};
	char object[64];
	if ((rc = db_begin(db, true, &err)) == XF_OK &&
	    (rc = auth_token_create(db, o.name, o.scope, expires, 0, token, &id, &err)) == XF_OK) {
		snprintf(object, sizeof object, "api_tokens/%lld", (long long)id);
		e.object = object;
		rc = audit_write(db, &e, &err);
	}
	if (rc == XF_OK)
		rc = db_commit(db, &err);
	if (rc != XF_OK) {
		db_rollback(db);
		db_close(db);
		return cli_fail(&err);
	}
	db_close(db);
	char iso[21];
	clock_iso(expires, iso);
	printf("已创建 API 令牌 #%lld「%s」，范围 %s，有效期至 %s。令牌只显示这一次：\n",
	       (long long)id, o.name, o.scope, iso);
	printf("%s\n", token);
	return CLI_EXIT_OK;
}

int cmd_audit(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse("audit", argc, argv, "db,key-file", 1, &o);
	if (rc)
		return rc;
	if (o.npos != 1 || strcmp(o.pos[0], "verify") != 0) {
		fprintf(stderr,
		        "xingfu audit: 用法 xingfu audit verify --db 数据库（运行 xingfu help "
		        "audit 查看用法）\n");
		return CLI_EXIT_USAGE;
	}
	const char *path = cli_db(&o, "xingfu.db");
	struct xf_err err;
	xf_err_clear(&err);
	struct db *db;
	if (open_current(path, &db, &err) != XF_OK)
		return cli_fail(&err);
	if (cli_key_ready(cli_key_file(&o, path), false, db, &err) != XF_OK) {
		db_close(db);
		return cli_fail(&err);
	}
	/* Chain what the server has not chained yet (as its appender would), then verify. */
	int chained = 0;
	if ((rc = db_begin(db, true, &err)) == XF_OK &&
	    (rc = audit_chain(db, 1000000, &chained, &err)) == XF_OK)
		rc = db_commit(db, &err);
	if (rc != XF_OK) {
		db_rollback(db);
		db_close(db);
		return cli_fail(&err);
	}
	struct audit_report rep;
	rc = audit_verify(db, &rep, &err);
	db_close(db);
	if (rc != XF_OK)
		return cli_fail(&err);
	if (rep.broken_id) {
		if (rep.broken_id > 0)
			fprintf(stderr, "xingfu: 审计日志被篡改：第一条异常记录 id=%lld（%s）\n",
			        (long long)rep.broken_id, rep.reason);
		else
			fprintf(stderr, "xingfu: 审计日志被篡改：%s\n", rep.reason);
		return CLI_EXIT_FAIL;
	}
	printf("审计日志完整：%lld 条记录，哈希链无断裂。\n", (long long)rep.chained);
	return CLI_EXIT_OK;
}

/* Re-seal every sealed value and recompute every blind index and audit hash under a new key,
 * in one transaction. The new key is written beside the old one first; only after the commit
 * does it replace it (the old one is kept as FILE.old for older backups). */
struct sealed_row {
	int64_t id;
	char *phone, *idn, *addr;
};

int cmd_rotate_key(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse("rotate-key", argc, argv, "db,key-file", 0, &o);
	if (rc)
		return rc;
	const char *path = cli_db(&o, "xingfu.db");
	const char *keyf = cli_key_file(&o, path);
	struct xf_err err;
	xf_err_clear(&err);
	struct db *db;
	if (open_current(path, &db, &err) != XF_OK)
		return cli_fail(&err);
	if (cli_key_ready(keyf, false, db, &err) != XF_OK) {
		db_close(db);
		return cli_fail(&err);
	}
	int chained = 0;
	struct audit_report rep;
	if ((rc = db_begin(db, true, &err)) != XF_OK ||
	    (rc = audit_chain(db, 1000000, &chained, &err)) != XF_OK ||
	    (rc = audit_verify(db, &rep, &err)) != XF_OK) {
		db_rollback(db);
		db_close(db);
		return cli_fail(&err);
	}
	if (rep.broken_id) {
		db_rollback(db);
		db_close(db);
		fprintf(stderr, "xingfu: 审计日志已被篡改（记录 %lld：%s），请先调查，不轮换密钥\n",
		        (long long)rep.broken_id, rep.reason);
		return CLI_EXIT_FAIL;
	}
	/* Old plain texts, opened under the old key. */
	struct db_stmt *st =
	    db_prep(db, "SELECT id, phone_enc, id_enc, address_enc FROM people", &err);
	size_t cap = 256, n = 0;
	struct sealed_row *rows = xcalloc(cap, sizeof *rows);
	while (st && db_step(st, &err) == DB_ROW) {
		if (n == cap) {
			cap *= 2;
			rows = xrealloc(rows, cap * sizeof *rows);
		}
		rows[n].id = db_col_int(st, 0);
		rows[n].phone = people_open_col(st, 1);
		rows[n].idn = people_open_col(st, 2);
		rows[n].addr = people_open_col(st, 3);
		n++;
	}
	struct user_row {
		int64_t id;
		char *phone, *totp;
	} *users = NULL;
	size_t nu = 0;
	st = db_prep(db, "SELECT id, phone_enc, totp_secret_enc FROM users", &err);
	while (st && db_step(st, &err) == DB_ROW) {
		users = xrealloc(users, (nu + 1) * sizeof *users);
		users[nu].id = db_col_int(st, 0);
		users[nu].phone = people_open_col(st, 1);
		users[nu].totp = people_open_col(st, 2);
		nu++;
	}
	/* The new key, written beside the old one before anything changes. */
	char newf[4200];
	snprintf(newf, sizeof newf, "%s.new", keyf);
	unlink(newf);
	unsigned char newk[XF_KEY_BYTES];
	if ((rc = crypto_key_create(newf, &err)) == XF_OK)
		rc = crypto_key_load(newf, newk, &err);
	if (rc == XF_OK) {
		pii_set_key(newk);
		for (size_t i = 0; i < n && rc == XF_OK; i++) {
			struct db_stmt *u =
			    db_prep(db,
			            "UPDATE people SET phone_enc = ?, phone_bidx = ?,"
			            " id_enc = ?, id_bidx = ?, address_enc = ? WHERE id = ?",
			            &err);
			if (!u) {
				rc = err.status;
				break;
			}
			people_bind_sealed(u, 1, rows[i].phone);
			people_bind_bidx(u, 2, "phone", rows[i].phone);
			people_bind_sealed(u, 3, rows[i].idn);
			people_bind_bidx(u, 4, "id", rows[i].idn);
			people_bind_sealed(u, 5, rows[i].addr);
			db_bind_int(u, 6, rows[i].id);
			rc = db_step(u, &err) == DB_DONE ? XF_OK : err.status;
		}
		for (size_t i = 0; i < nu && rc == XF_OK; i++) {
			struct db_stmt *u =
			    db_prep(db,
			            "UPDATE users SET phone_enc = ?, phone_bidx = ?,"
			            " totp_secret_enc = ? WHERE id = ?",
			            &err);
			if (!u) {
				rc = err.status;
				break;
			}
			people_bind_sealed(u, 1, users[i].phone);
			people_bind_bidx(u, 2, "phone", users[i].phone);
			people_bind_sealed(u, 3, users[i].totp);
			db_bind_int(u, 4, users[i].id);
			rc = db_step(u, &err) == DB_DONE ? XF_OK : err.status;
		}
		if (rc == XF_OK)
			rc = db_run(db, &err, "DELETE FROM sms_codes", "");
		if (rc == XF_OK)
			rc = db_run(db, &err, "DELETE FROM meta WHERE key = 'key_check'", "");
		if (rc == XF_OK)
			rc = cli_key_ready(newf, false, db, &err); /* writes the new key check */
		struct audit_entry e = {.action = "key.rotate", .ip = "cli", .outcome = "ok"};
		if (rc == XF_OK)
			rc = audit_write(db, &e, &err);
		if (rc == XF_OK)
			rc = audit_chain(db, 10, &chained, &err);
		if (rc == XF_OK)
			rc = audit_rehash(db, &err);
	}
	for (size_t i = 0; i < n; i++) {
		free(rows[i].phone), free(rows[i].idn), free(rows[i].addr);
	}
	for (size_t i = 0; i < nu; i++) {
		free(users[i].phone), free(users[i].totp);
	}
	free(rows);
	free(users);
	sodium_memzero(newk, sizeof newk);
	if (rc == XF_OK)
		rc = db_commit(db, &err);
	if (rc != XF_OK) {
		db_rollback(db);
		db_close(db);
		unlink(newf);
		return cli_fail(&err);
	}
	db_close(db);
	char oldf[4200];
	snprintf(oldf, sizeof oldf, "%s.old", keyf);
	if (rename(keyf, oldf) != 0 || rename(newf, keyf) != 0) {
		fprintf(stderr,
		        "xingfu: 数据已用新密钥加密，但无法替换密钥文件（%s）：新密钥在 "
		        "%s，请手动改名为 %s\n",
		        strerror(errno), newf, keyf);
		return CLI_EXIT_FAIL;
	}
	printf("已轮换密钥：%zu 位人员、%zu "
	       "个账号的加密信息和审计链已更新。\n新密钥：%s；旧密钥保留为 "
	       "%s（恢复旧备份时需要），请妥善保管后再删除。\n",
	       n, nu, keyf, oldf);
	return CLI_EXIT_OK;
}

static void import_progress(int64_t rows, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "\r已读取 %lld 行……", (long long)rows);
	fflush(stderr);
}

int cmd_import(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse("import", argc, argv, "db,key-file", 2, &o);
	if (rc)
		return rc;
	if (o.npos != 2 || !import_kind_valid(o.pos[0])) {
		fprintf(stderr, "xingfu import: 用法 xingfu import places|orgs|people|members 文件"
		                " --db 数据库（运行 xingfu help import 查看用法）\n");
		return CLI_EXIT_USAGE;
	}
	const char *path = cli_db(&o, "xingfu.db");
	struct xf_err err;
	xf_err_clear(&err);
	struct db *db;
	if (open_current(path, &db, &err) != XF_OK)
		return cli_fail(&err);
	if (cli_key_ready(cli_key_file(&o, path), false, db, &err) != XF_OK) {
		db_close(db);
		return cli_fail(&err);
	}
	struct table_reader *t;
	if (table_open_file(o.pos[1], TABLE_AUTO, NULL, &t, &err) != XF_OK) {
		db_close(db);
		return cli_fail(&err);
	}
	struct import_report rep;
	if ((rc = db_begin(db, true, &err)) == XF_OK)
		rc = import_run(db, o.pos[0], t, 0, &rep, import_progress, NULL, &err);
	table_close(t);
	if (rc == XF_OK) {
		char detail[128];
		snprintf(detail, sizeof detail, "rows %lld, created %lld, unchanged %lld",
		         (long long)rep.rows, (long long)rep.created, (long long)rep.unchanged);
		struct audit_entry e = {.action = "import.cli",
		                        .object = o.pos[0],
		                        .ip = "cli",
		                        .outcome = "ok",
		                        .detail = detail};
		rc = audit_write(db, &e, &err);
	}
	if (rc == XF_OK)
		rc = db_commit(db, &err);
	if (rc != XF_OK)
		db_rollback(db);
	db_close(db);
	fprintf(stderr, "\r");
	if (rc != XF_OK) {
		size_t i;
		json_t *it;
		json_array_foreach(rep.errors, i, it)
		{
			fprintf(stderr, "第 %lld 行 / row %lld，%s（%s）「%s」：%s\n",
			        (long long)json_integer_value(json_object_get(it, "row")),
			        (long long)json_integer_value(json_object_get(it, "row")),
			        json_string_value(json_object_get(it, "column_zh")),
			        json_string_value(json_object_get(it, "column")),
			        json_string_value(json_object_get(it, "value")),
			        json_string_value(json_object_get(it, "reason")));
		}
		import_report_free(&rep);
		return cli_fail(&err);
	}
	printf("已导入 %s：共 %lld 行，新增或更新 %lld，未变 %lld。\n", o.pos[0],
	       (long long)rep.rows, (long long)rep.created, (long long)rep.unchanged);
	import_report_free(&rep);
	return CLI_EXIT_OK;
}
