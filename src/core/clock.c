#include "clock.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic int64_t pinned;
static _Atomic int64_t offset;

int64_t clock_now(void)
{
	int64_t p = atomic_load(&pinned);
	if (p)
		return p;
	return (int64_t)time(NULL) + atomic_load(&offset);
}

int64_t clock_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_set(int64_t t)
{
	atomic_store(&pinned, t);
	if (!t)
		atomic_store(&offset, 0);
}

void clock_advance(int64_t delta)
{
	if (atomic_load(&pinned))
		atomic_fetch_add(&pinned, delta);
	else
		atomic_fetch_add(&offset, delta);
}

void clock_iso(int64_t t, char out[static 21])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
