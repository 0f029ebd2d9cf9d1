/* Background work inside `serve`: periodic tasks run by one thread, due by clock_now() so
 * tests can move time instead of sleeping. */
#ifndef XF_SCHED_H
#define XF_SCHED_H

#include "../core/xf.h"

struct sched;
typedef int (*sched_fn)(void *ctx, struct xf_err *err);

struct sched *sched_new(void);
void sched_free(struct sched *s); /* stops the thread first */
/* Run fn every `every_s` seconds of clock_now(), first at the first tick. */
void sched_add(struct sched *s, const char *name, int64_t every_s, sched_fn fn, void *ctx);
/* The same, first at first_at (clock_now() seconds; 0 = the first tick): a task whose last
 * result is still fresh when the server starts need not be redone at once. */
void sched_add_first(struct sched *s, const char *name, int64_t every_s, int64_t first_at,
                     sched_fn fn, void *ctx);
/* Run every due task now, on the calling thread. Returns how many ran. */
int sched_tick(struct sched *s);
/* Start the thread: it ticks every interval_ms of real time. */
int sched_start(struct sched *s, int interval_ms);
/* Times each task has run (for status and tests). */
uint64_t sched_runs(struct sched *s, const char *name);

#endif
