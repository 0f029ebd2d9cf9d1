/* The one route table: every HTTP endpoint, with who may call it, whether it needs the CSRF
 * token, what it writes to the audit log and what body it takes. The OpenAPI document is
 * generated from these rows (openapi.c). */
#include "api.h"

#define KB 1024

const struct route http_routes[] = {
    {HTTP_GET, "/healthz", api_healthz, PERM_PUBLIC, false, NULL, 0, NULL, "健康检查", "system"},
    {HTTP_GET, "/api/openapi.json", api_openapi, PERM_PUBLIC, false, NULL, 0, NULL,
     "本接口文档（由路由表生成）", "system"},
    {HTTP_POST, "/api/session", api_session_create, PERM_PUBLIC, false, "session.create", 4 * KB,
     api_session_body, "登录（用户名 + 密码）", "session"},
    {HTTP_DELETE, "/api/session", api_session_delete, PERM_LOGIN, true, "session.delete", 0, NULL,
     "退出登录", "session"},
    {HTTP_GET, "/api/me", api_me, PERM_LOGIN, false, NULL, 0, NULL, "当前用户、CSRF 令牌和偏好",
     "session"},
    {HTTP_PUT, "/api/me/preferences", api_me_preferences, PERM_LOGIN, true, "me.preferences",
     2 * KB, api_preferences_body, "保存个人偏好（大字模式、界面语言）", "session"},
    {HTTP_GET, "/api/system/status", api_system_status, PERM_ADMIN, false, NULL, 0, NULL,
     "系统状态（写入批次、通知队列）", "system"},
    {HTTP_POST, "/api/test/clock", api_test_clock, PERM_TEST, false, NULL, 1 * KB,
     api_test_clock_body, "测试模式：调整服务器时钟", "test"},
};

const size_t http_nroutes = XF_ARRAY_LEN(http_routes);
