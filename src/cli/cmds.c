/* init, migrate, serve, demo, backup. */
#include "cli.h"
#include "../auth/auth.h"
#include "../core/pii.h"
#include "../core/crypto.h"
#include "../core/log.h"
#include "../registry/demo.h"
#include "../store/store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool file_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* Open a database for a one-off command; creation only when asked. */
static int open_db(const char *path, bool create, struct db **db, struct xf_err *err)
{
	if (db_is_postgres_url(path))
		return db_open(path, DB_OPEN_WRITER, db, err);
	if (!create && !file_exists(path))
		return xf_fail(err, XF_ENOTFOUND, "db_missing",
		               "数据库 %s 不存在；先运行 xingfu init --db %s", path, path);
	return db_open(path, create ? DB_OPEN_CREATE | DB_OPEN_WRITER : DB_OPEN_WRITER, db, err);
}

int cmd_init(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse("init", argc, argv, "db,key-file,admin", 0, &o);
	if (rc)
		return rc;
	const char *path = cli_db(&o, "xingfu.db");
	const char *keyf = cli_key_file(&o, path);
	const char *admin = o.admin ? o.admin : "admin";
	if (strlen(admin) > 64) {
		fprintf(stderr, "xingfu init: 管理员用户名过长（最多 64 个字符）\n");
		return CLI_EXIT_USAGE;
	}
	struct xf_err err;
	xf_err_clear(&err);
	struct db *db;
	if (open_db(path, true, &db, &err) != XF_OK)
		return cli_fail(&err);
	int64_t v = 0;
	if (store_db_version(db, &v, &err) != XF_OK) {
		db_close(db);
		return cli_fail(&err);
	}
	if (v > 0) {
		db_close(db);
		fprintf(stderr,
		        "xingfu: 数据库 %s 已初始化过，不会覆盖（升级请用 xingfu migrate）\n",
		        path);
		return CLI_EXIT_FAIL;
	}
	if (file_exists(keyf)) {
		db_close(db);
		fprintf(stderr,
		        "xingfu: 密钥文件 %s 已存在；新数据库需要新的密钥文件（用 --key-file "
		        "指定别处）\n",
		        keyf);
		return CLI_EXIT_FAIL;
	}
	char pw[13], hash[128];
	crypto_random_password(pw);
	if (store_migrate(db, &err) != XF_OK || cli_key_ready(keyf, true, db, &err) != XF_OK ||
	    crypto_pw_hash(pw, hash, sizeof hash, &err) != XF_OK ||
	    db_begin(db, true, &err) != XF_OK) {
		db_close(db);
		return cli_fail(&err);
	}
	int64_t root = 0, user = 0;
	if (demo_create_root(db, &root, &err) != XF_OK ||
	    auth_user_create(db, admin, hash, "系统管理员", 0, NULL, &user, &err) != XF_OK ||
	    db_run(db, &err, "UPDATE users SET must_change_password = 1 WHERE id = ?", "i", user) !=
	        XF_OK ||
	    auth_grant_add(db, user, "admin", root, 0, NULL, &err) != XF_OK ||
	    db_commit(db, &err) != XF_OK) {
		db_rollback(db);
		db_close(db);
		return cli_fail(&err);
	}
	db_close(db);
	printf("已创建数据库 %s（结构版本 %d）和密钥文件 %s。\n", path, store_schema_version(),
	       keyf);
	printf("管理员账号：%s  一次性密码：%s  （首次登录后请修改；此密码不会再次显示）\n", admin,
	       pw);
	printf("请把密钥文件与数据库分开备份：丢失密钥将无法解密个人信息。\n");
	return CLI_EXIT_OK;
}

static void print_step(const char *what, void *ctx)
{
	(*(int *)ctx)++;
	printf("  %s\n", what);
}

/* --dry-run: what migrate would do, on a read-only connection. */
static int migrate_plan(const char *path)
{
	struct xf_err err;
	xf_err_clear(&err);
	struct db *db;
	if (!db_is_postgres_url(path) && !file_exists(path)) {
		fprintf(stderr, "xingfu: 数据库 %s 不存在\n", path);
		return CLI_EXIT_FAIL;
	}
	if (db_open(path, DB_OPEN_READER, &db, &err) != XF_OK)
		return cli_fail(&err);
	int64_t v = 0;
	int steps = 0;
	if (store_db_version(db, &v, &err) != XF_OK) {
		db_close(db);
		return cli_fail(&err);
	}
	printf("数据库 %s：结构版本 %lld，本程序 %d。\n", path, (long long)v,
	       store_schema_version());
	if (store_migrate_plan(db, print_step, &steps, &err) != XF_OK) {
		db_close(db);
		return cli_fail(&err);
	}
	db_close(db);
	printf(steps ? "以上 %d 步将由 xingfu migrate 执行；本次演练未做任何改动（--dry-run）。\n"
	             : "无需迁移（%d 步）；本次演练未做任何改动（--dry-run）。\n",
	       steps);
	return CLI_EXIT_OK;
}

int cmd_migrate(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse("migrate", argc, argv, "db,dry-run", 0, &o);
	if (rc)
		return rc;
	const char *path = cli_db(&o, "xingfu.db");
	if (o.dry_run)
		return migrate_plan(path);
	struct xf_err err;
	xf_err_clear(&err);
	struct db *db;
	int64_t before;
	if (open_db(path, false, &db, &err) != XF_OK)
		return cli_fail(&err);
	if (store_db_version(db, &before, &err) != XF_OK || store_migrate(db, &err) != XF_OK) {
		db_close(db);
		return cli_fail(&err);
	}
	db_close(db);
	if (before == store_schema_version())
		printf("数据库 %s 已是最新结构（版本 %lld）。\n", path, (long long)before);
	else if (before == 0)
		printf("数据库 %s 已创建到版本 %d。\n", path, store_schema_version());
	else
		printf("数据库 %s 已从版本 %lld 升级到 %d。\n", path, (long long)before,
		       store_schema_version());
	return CLI_EXIT_OK;
}

int cmd_serve(int argc, char **argv)
{
	struct cli_opts o;
	int rc =
	    cli_parse("serve", argc, argv,
	              "db,listen,key-file,access-log,outbox-log,trusted-proxy,per-ip-limit", 0, &o);
	if (rc)
		return rc;
	return cli_serve_db(cli_db(&o, "xingfu.db"), &o, false, NULL);
}

static void demo_progress(const char *stage, int64_t done, int64_t total, void *ctx)
{
	(void)total;
	(void)ctx;
	/* A stage without a count: its name, padded over the previous line. */
	if (!done && !total)
		fprintf(stderr, "\r  %s……                    ", stage);
	else
		fprintf(stderr, "\r  %s：已生成 %lld 栋……", stage, (long long)done);
	fflush(stderr);
}

int cmd_demo(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse("demo", argc, argv,
	                   "db,listen,key-file,scale,password,generate-only,access-log,outbox-log,"
	                   "trusted-proxy,per-ip-limit",
	                   0, &o);
	if (rc)
		return rc;
	enum demo_scale scale = DEMO_SMALL;
	if (o.scale && strcmp(o.scale, "city") == 0)
		scale = DEMO_CITY;
	else if (o.scale && strcmp(o.scale, "small") != 0) {
		fprintf(stderr, "xingfu demo: --scale 只能是 small 或 city（运行 xingfu help demo "
		                "查看用法）\n");
		return CLI_EXIT_USAGE;
	}
	if (o.password && (strlen(o.password) < 8 || strlen(o.password) > 128)) {
		fprintf(stderr, "xingfu demo: 演示密码应为 8–128 个字符\n");
		return CLI_EXIT_USAGE;
	}
	const char *path = cli_db(&o, "xingfu-demo.db");
	const char *keyf = cli_key_file(&o, path);
	struct xf_err err;
	xf_err_clear(&err);
	struct db *db;
	if (open_db(path, true, &db, &err) != XF_OK)
		return cli_fail(&err);
	int64_t v = 0;
	if (store_db_version(db, &v, &err) != XF_OK) {
		db_close(db);
		return cli_fail(&err);
	}
	char pw[129];
	const char *shown = o.password;
	if (v == 0) {
		if (!o.password) {
			crypto_random_password(pw);
			shown = pw;
		}
		struct demo_stats ds = {.progress = demo_progress};
		printf("正在生成演示城市（%s）……\n", scale == DEMO_CITY ? "city" : "small");
		fflush(stdout);
		if (store_migrate(db, &err) != XF_OK ||
		    cli_key_ready(keyf, true, db, &err) != XF_OK ||
		    demo_generate(db, scale, shown, &ds, &err) != XF_OK) {
			db_close(db);
			return cli_fail(&err);
		}
		fprintf(stderr, "\r");
		printf("演示城市已生成：%lld 个地点（区 %lld、街道 %lld、社区 %lld、网格 "
		       "%lld、楼栋 %lld），"
		       "%lld 个账号；%lld 个组织、%lld 户、%lld 位居民（个人信息已加密）、%lld "
		       "名党员；一年的民情诉求 %lld 件。\n",
		       (long long)ds.places, (long long)ds.districts, (long long)ds.streets,
		       (long long)ds.communities, (long long)ds.grids, (long long)ds.buildings,
		       (long long)ds.accounts, (long long)ds.orgs, (long long)ds.households,
		       (long long)ds.people, (long long)ds.members, (long long)ds.cases);
	} else {
		if (store_migrate(db, &err) != XF_OK) {
			db_close(db);
			return cli_fail(&err);
		}
		char demo[8] = "";
		store_meta_get(db, "demo", demo, sizeof demo, &err);
		if (strcmp(demo, "1") != 0) {
			db_close(db);
			fprintf(stderr, "xingfu: %s 不是演示库；正式数据库请用 xingfu serve\n",
			        path);
			return CLI_EXIT_FAIL;
		}
		if (o.password && demo_reset_passwords(db, o.password, &err) != XF_OK) {
			db_close(db);
			return cli_fail(&err);
		}
	}
	db_close(db);
	if (o.generate_only) {
		printf("已生成 %s（未启动服务）。演示密码：%s\n", path,
		       shown ? shown : "（未改变）");
		return CLI_EXIT_OK;
	}
	return cli_serve_db(path, &o, true, shown);
}

int cmd_backup(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse("backup", argc, argv, "db,key-file,verify", 1, &o);
	if (rc)
		return rc;
	if (o.npos != 1) {
		fprintf(stderr,
		        "xingfu backup: 需要备份文件名（运行 xingfu help backup 查看用法）\n");
		return CLI_EXIT_USAGE;
	}
	const char *path = cli_db(&o, "xingfu.db"), *dest = o.pos[0];
	/* --verify on an existing file checks that backup and changes nothing. */
	if (o.verify && file_exists(dest))
		return cli_backup_verify(dest, cli_key_file(&o, path));
	if (db_is_postgres_url(path)) {
		fprintf(stderr,
		        "xingfu: PostgreSQL 数据库请用 PostgreSQL 自己的工具备份，例如：\n"
		        "  pg_dump --format=custom --file=%s '%s'\n"
		        "恢复：pg_restore --dbname=<新库> %s。密钥文件 %s 需另行保存。\n",
		        dest, path, dest, cli_key_file(&o, path));
		return CLI_EXIT_FAIL;
	}
	if (file_exists(dest)) {
		fprintf(stderr, "xingfu: 备份文件 %s 已存在，不会覆盖\n", dest);
		return CLI_EXIT_FAIL;
	}
	struct xf_err err;
	xf_err_clear(&err);
	struct db *db;
	if (!file_exists(path)) {
		fprintf(stderr, "xingfu: 数据库 %s 不存在\n", path);
		return CLI_EXIT_FAIL;
	}
	if (db_open(path, DB_OPEN_READER, &db, &err) != XF_OK ||
	    store_check_version(db, &err) != XF_OK)
		return cli_fail(&err);
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.partial", dest);
	unlink(tmp);
	rc = db_backup(db, tmp, &err);
	db_close(db);
	if (rc != XF_OK) {
		unlink(tmp);
		return cli_fail(&err);
	}
	if (rename(tmp, dest) != 0) {
		unlink(tmp);
		fprintf(stderr, "xingfu: 无法写入 %s：%s\n", dest, strerror(errno));
		return CLI_EXIT_FAIL;
	}
	printf("已备份到 %s。密钥文件 %s 不在备份中，请一并保存。\n", dest, cli_key_file(&o, path));
	return o.verify ? cli_backup_verify(dest, cli_key_file(&o, path)) : CLI_EXIT_OK;
}
