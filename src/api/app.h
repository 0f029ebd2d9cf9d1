/* What every handler can reach: the store, the deployment's settings, the scheduler and the
 * outbox sender. One per running server. */
#ifndef XF_APP_H
#define XF_APP_H

#include "../core/xf.h"
#include <stdio.h>

struct store;
struct sched;
struct outbox_sender;

struct app_config {
	char listen[128];          /* "127.0.0.1:8080", "[::1]:0", ":8080" */
	int threads;               /* HTTP worker threads */
	int conn_limit;            /* open connections, all clients */
	int per_ip_limit;          /* open connections from one address (0 = no limit) */
	int idle_timeout_s;        /* drop a connection silent this long */
	size_t max_header_bytes;   /* all request headers together */
	char trusted_proxies[512]; /* comma-separated addresses whose X-Forwarded-For we believe */
	bool test_mode;        /* enables the test-only routes (never set from the command line) */
	bool cookie_secure;    /* add Secure to cookies (behind TLS) */
	int session_idle_s;    /* sign out after this long without a request */
	int session_max_s;     /* sign out this long after sign-in, whatever happens */
	int sched_interval_ms; /* scheduler tick */
	char outbox_log[512];  /* default sender's file */
	/* identity and security policy (docs/SECURITY.md explains each choice) */
	int max_login_failures;     /* failures before the account locks (5) */
	int lockout_s;              /* how long it stays locked (900) */
	int login_per_ip_per_min;   /* password and SMS logins from one address (60) */
	bool require_second_factor; /* staff need TOTP (never in a demo city) */
	int password_min_len;       /* 10 */
	int password_classes;       /* character classes required: 0 = ASVS, 3 = 等保 style */
	int password_max_age_days;  /* 0 = no forced rotation (ASVS); 90 = 等保 style */
	int audit_retention_days;   /* at least 180 */
	int sms_per_phone_per_hour; /* codes sent to one number (5) */
	int sms_per_ip_per_hour;    /* codes requested from one address (20) */
	char metrics_token[132]; /* Bearer token for GET /metrics from outside loopback ("" = none)
	                          */
};

struct rate_limiter;

struct app {
	struct store *store;
	struct rate_limiter *login_limiter; /* per client address, in memory */
	struct app_config cfg;
	bool demo;
	struct sched *sched;
	struct outbox_sender *sender;
};

void app_config_defaults(struct app_config *c);

#endif
