#include "app.h"

#include <string.h>

void app_config_defaults(struct app_config *c)
{
	memset(c, 0, sizeof *c);
	strcpy(c->listen, "127.0.0.1:8080");
	c->threads = 0; /* by the CPUs and the engine (server.c http_threads) */
	c->conn_limit = 4096;
	c->per_ip_limit = 0; /* loopback load tests open hundreds from one address */
	c->idle_timeout_s = 30;
	c->max_header_bytes = 16 * 1024;
	c->session_idle_s = 30 * 60;
	c->session_max_s = 12 * 3600;
	c->sched_interval_ms = 1000;
	c->max_login_failures = 5;
	c->lockout_s = 15 * 60;
	c->login_per_ip_per_min = 60;
	c->require_second_factor = true;
	c->password_min_len = 10;
	c->password_classes = 0;
	c->password_max_age_days = 0;
	c->audit_retention_days = 180;
	c->sms_per_phone_per_hour = 5;
	c->sms_per_ip_per_hour = 20;
}
