/* `xingfu points verify`: replay the points ledger and compare it with every account. */
#include "cli.h"
#include "../points/points.h"
#include "../store/store.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int cmd_points(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse("points", argc, argv, "db", 1, &o);
	if (rc)
		return rc;
	if (o.npos != 1 || strcmp(o.pos[0], "verify") != 0) {
		fprintf(stderr,
		        "xingfu points: 用法 xingfu points verify --db 数据库（运行 xingfu help "
		        "points 查看用法）\n");
		return CLI_EXIT_USAGE;
	}
	const char *path = cli_db(&o, "xingfu.db");
	struct xf_err err;
	xf_err_clear(&err);
	struct stat st;
	if (!db_is_postgres_url(path) && stat(path, &st) != 0) {
		xf_fail(&err, XF_ENOTFOUND, "db_missing", "数据库 %s 不存在", path);
		return cli_fail(&err);
	}
	struct db *db;
	if ((rc = db_open(path, DB_OPEN_READER, &db, &err)) != XF_OK)
		return cli_fail(&err);
	/* One snapshot for every query, while a server may keep writing: a read transaction on
	 * SQLite (WAL), SERIALIZABLE on PostgreSQL. */
	struct points_verify_report rep;
	if ((rc = store_check_version(db, &err)) == XF_OK &&
	    (rc = db_begin(db, db_engine(db) == DB_POSTGRES, &err)) == XF_OK) {
		rc = points_verify(db, &rep, &err);
		db_rollback(db);
	}
	db_close(db);
	if (rc != XF_OK)
		return cli_fail(&err);
	if (rep.bad_accounts || !rep.balanced || !rep.pending_consistent) {
		fprintf(stderr, "xingfu: 积分账本不一致（%lld 个账户不符）：%s\n",
		        (long long)rep.bad_accounts, rep.first_bad);
		return CLI_EXIT_FAIL;
	}
	printf("积分账本一致：%lld 个账户、%lld 笔转账，借贷合计均为 "
	       "%lld，每个账户余额与流水重放相符。\n",
	       (long long)rep.accounts, (long long)rep.transfers, (long long)rep.total_debits);
	return CLI_EXIT_OK;
}
