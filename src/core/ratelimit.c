#include "ratelimit.h"
#include "clock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	char key[72];
	int64_t window_start;
	int count;
};

struct rate_limiter {
	pthread_mutex_t mu;
	struct slot *slots;
	size_t n;
};

struct rate_limiter *ratelimit_new(size_t slots)
{
	struct rate_limiter *rl = xcalloc(1, sizeof *rl);
	rl->slots = xcalloc(slots, sizeof *rl->slots);
	rl->n = slots;
	pthread_mutex_init(&rl->mu, NULL);
	return rl;
}

void ratelimit_free(struct rate_limiter *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl->slots);
	free(rl);
}

static size_t hash(const char *s)
{
	size_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

bool ratelimit_hit(struct rate_limiter *rl, const char *key, int limit, int window_s,
                   int64_t *retry_after)
{
	int64_t now = clock_now();
	size_t start = hash(key) % rl->n;
	pthread_mutex_lock(&rl->mu);
	/* Probe a short run: the key's slot, else a free or stale one, else the oldest. */
	struct slot *found = NULL, *victim = NULL;
	for (size_t i = 0; i < 8; i++) {
		struct slot *s = &rl->slots[(start + i) % rl->n];
		if (strcmp(s->key, key) == 0) {
			found = s;
			break;
		}
		if (!victim || s->window_start < victim->window_start)
			victim = s;
	}
	if (!found) {
		found = victim;
		snprintf(found->key, sizeof found->key, "%s", key);
		found->window_start = now;
		found->count = 0;
	}
	if (now - found->window_start >= window_s) {
		found->window_start = now;
		found->count = 0;
	}
	bool ok = found->count < limit;
	if (ok)
		found->count++;
	if (retry_after)
		*retry_after = found->window_start + window_s - now;
	pthread_mutex_unlock(&rl->mu);
	return ok;
}
