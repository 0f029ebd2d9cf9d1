/* In-memory fixed-window counters per key (client address, phone digest): enough for login
 * throttling on one server. Bounded size: the oldest windows are forgotten first. */
#ifndef XF_RATELIMIT_H
#define XF_RATELIMIT_H

#include "xf.h"

struct rate_limiter;

struct rate_limiter *ratelimit_new(size_t slots);
void ratelimit_free(struct rate_limiter *rl);
/* Count one event for key in a window of window_s seconds (by clock_now()); false when this
 * event exceeds limit (it is not counted then). *retry_after: seconds until the window ends. */
bool ratelimit_hit(struct rate_limiter *rl, const char *key, int limit, int window_s,
                   int64_t *retry_after);

#endif
