/* Operations: `xingfu config check|keys`. */
#include "cli.h"
#include "../api/config.h"

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
