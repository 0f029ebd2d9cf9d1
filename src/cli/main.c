/* xingfu: one binary for the server and every operator command. */
#include "cli.h"
#include "../core/crypto.h"

#include <stdio.h>
#include <string.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *summary;
	const char *help;
};

static const struct command commands[] = {
    {"init", cmd_init, "xingfu init [--db FILE] [--key-file FILE] [--admin NAME]",
     "创建新数据库和密钥文件，并生成首个管理员",
     "创建数据库（不存在时）、应用所有迁移、生成密钥文件（权限 0600），\n"
     "并创建首个管理员账号，打印一次性密码（首次登录后须修改）。\n"
     "已存在的 xingfu 数据库不会被覆盖。"},
    {"migrate", cmd_migrate, "xingfu migrate [--db FILE] [--dry-run]",
     "把数据库升级到本程序的结构版本",
     "依次应用尚未应用的迁移，并修复早期发布版本留下的结构差异。数据库比程序新时拒绝执行。\n"
     "--dry-run 只列出将要执行的步骤，不做任何改动（以只读方式打开数据库）。\n"
     "升级前请先停止服务并备份（xingfu backup）。"},
    {"serve", cmd_serve,
     "xingfu serve [--config FILE] [--db FILE] [--listen ADDR] [--key-file FILE]"
     " [--access-log FILE] [--outbox-log FILE] [--trusted-proxy IP,IP] [--per-ip-limit N]",
     "启动 HTTP 服务",
     "在 --listen（默认 127.0.0.1:8080）上提供 JSON API。访问日志为 JSON 行\n"
     "（默认写到标准输出，--access-log - 关闭写文件以外的输出）；通知默认写入\n"
     "<数据库>.outbox.log。--trusted-proxy 列出反向代理的地址（只信任它们的\n"
     "X-Forwarded-For）；--per-ip-limit 限制单个地址的并发连接数（默认 0 不限）。\n"
     "--config 读取配置文件（见 man xingfu）；命令行选项和环境变量优先于配置文件。\n"
     "SIGHUP：重新读取配置文件并重新打开访问日志（配置有误时保持原配置）。\n"
     "SIGTERM 或 Ctrl-C：停止接受连接，处理完在途请求、写入落盘后关闭数据库并退出 0。\n"
     "GET /metrics：Prometheus 指标，仅本机或携带 metrics_token 可访问。"},
    {"config", cmd_config, "xingfu config check [FILE] | xingfu config keys",
     "检查配置文件；列出全部设置项",
     "check：逐行检查配置文件（默认 /etc/xingfu/xingfu.conf），正确时退出码 0；\n"
     "否则逐条列出“第 N 行 / line N”和原因（未知设置项、取值不对、重复……），退出码 1。\n"
     "keys：列出全部设置项、取值、生效方式（SIGHUP 或重启）和说明。\n"
     "所有命令都接受 --config FILE（或环境变量 XINGFU_CONFIG），从中读取 db 和 key_file。"},
    {"demo", cmd_demo,
     "xingfu demo [--scale small|city] [--db FILE] [--listen ADDR] [--password P]"
     " [--generate-only]",
     "生成演示城市（黄石）并启动服务",
     "数据库不存在时生成演示城市（真实的街道和社区，演示账号），标记为演示库，\n"
     "然后启动服务。演示账号共用演示密码：--password 指定，否则随机生成并打印。\n"
     "对已有的演示库给出 --password 会把演示账号的密码重设为它。\n"
     "--generate-only 只生成不启动。默认数据库文件 xingfu-demo.db。"},
    {"token", cmd_token,
     "xingfu token create --name NAME --scope open311|12345|export [--expires DAYS] --db FILE",
     "为外部系统（12345 热线、Open311 客户端、导出）创建 API 令牌",
     "令牌只显示一次（输出的最后一行），数据库中只存其摘要。\n"
     "客户端以 Authorization: Bearer 令牌 调用；Open311 客户端也可用 api_key 参数。\n"
     "--expires 默认 365 天。"},
    {"audit", cmd_audit, "xingfu audit verify --db FILE [--key-file FILE]", "校验审计日志的哈希链",
     "先把尚未入链的记录入链，再逐条重算带密钥的哈希。链条完好时退出码 0；\n"
     "任何一条被修改、删除或调换时退出码 1，并指出第一条异常记录。"},
    {"rotate-key", cmd_rotate_key, "xingfu rotate-key --db FILE [--key-file FILE]",
     "轮换个人信息加密密钥",
     "先校验审计链，再在一个事务里用新密钥重新加密全部个人信息、重算盲索引和审计哈希。\n"
     "新密钥替换原密钥文件，旧密钥保留为 <密钥文件>.old。请先停止服务。"},
    {"import", cmd_import, "xingfu import places|orgs|people|members FILE --db FILE",
     "从 CSV 或 XLSX 导入地点、组织、人员或党员",
     "第 1 行为表头（列名见 docs/IMPORT.md，中英文均可）。先逐行校验，任何一行有误则\n"
     "逐条列出（第 N 行、列、值（已脱敏）、原因）并退出 1，不写入任何数据；\n"
     "重复导入同一文件不会改变任何数据（人员按身份证号去重）。"},
    {"points", cmd_points, "xingfu points verify --db FILE|URL", "校验积分账本",
     "按全部转账流水重放每个积分账户（已入账的借贷、未结的预扣、评价积分），\n"
     "并检查借贷合计相等、个人账户不低于零。全部相符时退出码 0；否则退出码 1，\n"
     "并列出不相符的账户。服务运行时也可执行（读一个一致的快照）。"},
    {"backup", cmd_backup, "xingfu backup FILE [--db FILE] [--verify [--key-file FILE]]",
     "在线生成一致的数据库备份；--verify 校验备份",
     "服务运行时也可执行。备份不含密钥文件：请另行妥善保存 <数据库>.key。\n"
     "--verify：备份后（FILE 已存在时只校验、不备份）检查备份文件：SQLite 完整性和外键、\n"
     "结构版本、积分账本重放、审计哈希链（需数据库的密钥文件），并列出主要数据的条数和\n"
     "积分借贷合计，供与原库或恢复后的库比对。全部通过时退出码 0，否则 1。"},
};

static void print_usage(FILE *f)
{
	fprintf(
	    f,
	    "xingfu %s — 幸福城区：党建引领基层治理平台\n\n用法：xingfu <命令> [选项]\n\n命令：\n",
	    XF_VERSION);
	for (size_t i = 0; i < XF_ARRAY_LEN(commands); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  %-9s %s\n", "help", "显示某个命令的帮助：xingfu help serve");
	fprintf(f, "\n环境变量：XINGFU_DB（数据库）、XINGFU_LISTEN（监听地址）、"
	           "XINGFU_KEY_FILE（密钥文件）、XINGFU_CONFIG（配置文件）\n"
	           "手册：man xingfu\n");
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stdout);
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < XF_ARRAY_LEN(commands); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			printf("%s\n\n%s\n\n%s\n", commands[i].usage, commands[i].summary,
			       commands[i].help);
			return CLI_EXIT_OK;
		}
	}
	fprintf(stderr, "xingfu: 没有命令 %s；运行 xingfu help 查看全部命令\n", argv[1]);
	return CLI_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("xingfu %s\n", XF_VERSION);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)
		return cmd_help(argc - 1, argv + 1);
	if (crypto_init() != XF_OK) {
		fprintf(stderr, "xingfu: 无法初始化加密库\n");
		return CLI_EXIT_FAIL;
	}
	for (size_t i = 0; i < XF_ARRAY_LEN(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			int rc = commands[i].run(argc - 1, argv + 1);
			cli_config_release();
			return rc;
		}
	fprintf(stderr, "xingfu: 未知命令 %s；运行 xingfu help 查看全部命令\n", argv[1]);
	return CLI_EXIT_USAGE;
}
