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
};

struct app {
	struct store *store;
	struct app_config cfg;
	bool demo;
	struct sched *sched;
	struct outbox_sender *sender;
};

void app_config_defaults(struct app_config *c);

#endif
