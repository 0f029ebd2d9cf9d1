#include "sched.h"
#include "../core/clock.h"
#include "../core/log.h"
#include "../store/store.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct task {
	const char *name;
	int64_t every_s, next_at;
	sched_fn fn;
	void *ctx;
	uint64_t runs;
};

struct sched {
	struct task tasks[32];
	int ntasks;
	pthread_mutex_t mu; /* one tick at a time */
	pthread_mutex_t wait_mu;
	pthread_cond_t wait_cv;
	pthread_t thread;
	bool running, stopping;
	int interval_ms;
};

struct sched *sched_new(void)
{
	struct sched *s = xcalloc(1, sizeof *s);
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->wait_mu, NULL);
	pthread_cond_init(&s->wait_cv, NULL);
	return s;
}

void sched_add_first(struct sched *s, const char *name, int64_t every_s, int64_t first_at,
                     sched_fn fn, void *ctx)
{
	if (s->ntasks >= (int)XF_ARRAY_LEN(s->tasks))
		abort();
	s->tasks[s->ntasks++] = (struct task){name, every_s, first_at, fn, ctx, 0};
}

void sched_add(struct sched *s, const char *name, int64_t every_s, sched_fn fn, void *ctx)
{
	sched_add_first(s, name, every_s, 0, fn, ctx);
}

int sched_tick(struct sched *s)
{
	int ran = 0;
	pthread_mutex_lock(&s->mu);
	for (int i = 0; i < s->ntasks; i++) {
		struct task *t = &s->tasks[i];
		int64_t now = clock_now();
		if (t->next_at > now)
			continue;
		struct xf_err err;
		xf_err_clear(&err);
		if (t->fn(t->ctx, &err) != XF_OK)
			log_warn("scheduled task %s failed: %s", t->name, err.message);
		t->runs++;
		t->next_at = now + t->every_s;
		ran++;
	}
	pthread_mutex_unlock(&s->mu);
	return ran;
}

uint64_t sched_runs(struct sched *s, const char *name)
{
	uint64_t n = 0;
	pthread_mutex_lock(&s->mu);
	for (int i = 0; i < s->ntasks; i++)
		if (strcmp(s->tasks[i].name, name) == 0)
			n = s->tasks[i].runs;
	pthread_mutex_unlock(&s->mu);
	return n;
}

static void *sched_main(void *arg)
{
	struct sched *s = arg;
	store_thread_scans(); /* rollups and sweeps: scans, not hot lookups */
	pthread_mutex_lock(&s->wait_mu);
	while (!s->stopping) {
		pthread_mutex_unlock(&s->wait_mu);
		sched_tick(s);
		pthread_mutex_lock(&s->wait_mu);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += s->interval_ms / 1000;
		ts.tv_nsec += (long)(s->interval_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (!s->stopping)
			pthread_cond_timedwait(&s->wait_cv, &s->wait_mu, &ts);
	}
	pthread_mutex_unlock(&s->wait_mu);
	return NULL;
}

int sched_start(struct sched *s, int interval_ms)
{
	s->interval_ms = interval_ms > 0 ? interval_ms : 1000;
	if (pthread_create(&s->thread, NULL, sched_main, s) != 0)
		return XF_EINTERNAL;
	s->running = true;
	return XF_OK;
}

void sched_free(struct sched *s)
{
	if (!s)
		return;
	if (s->running) {
		pthread_mutex_lock(&s->wait_mu);
		s->stopping = true;
		pthread_cond_signal(&s->wait_cv);
		pthread_mutex_unlock(&s->wait_mu);
		pthread_join(s->thread, NULL);
	}
	pthread_mutex_destroy(&s->mu);
	pthread_mutex_destroy(&s->wait_mu);
	pthread_cond_destroy(&s->wait_cv);
	free(s);
}
