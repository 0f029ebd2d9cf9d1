/* The HTTP server: libmicrohttpd in epoll thread-pool mode behind our req/resp layer.
 * Requests that queue a write are suspended until the writer's batch is durable. */
#ifndef XF_SERVER_H
#define XF_SERVER_H

#include "../core/xf.h"

struct app;
struct server;

int server_start(struct app *app, struct server **out, struct xf_err *err);
/* The bound port (useful with port 0). */
int server_port(struct server *s);
/* Stop accepting, finish in-flight requests, stop. */
void server_stop(struct server *s);
/* Parse "host:port", "[v6]:port" or ":port". */
int server_parse_listen(const char *spec, char *host, size_t hostlen, int *port);

#endif
