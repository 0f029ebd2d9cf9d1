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

int64_t clock_beijing_month_start(int year, int month)
{
	if (month > 12)
		year += (month - 1) / 12, month = (month - 1) % 12 + 1;
	/* days from civil (Howard Hinnant's algorithm) */
	int y = year - (month <= 2);
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = (int64_t)era * 146097 + doe - 719468;
	return days * 86400 - 8 * 3600;
}

static void beijing_tm(int64_t t, struct tm *tm)
{
	time_t s = (time_t)(t + 8 * 3600);
	gmtime_r(&s, tm);
}

int clock_beijing_year(int64_t t)
{
	struct tm tm;
	beijing_tm(t, &tm);
	return tm.tm_year + 1900;
}

int clock_beijing_month(int64_t t)
{
	struct tm tm;
	beijing_tm(t, &tm);
	return tm.tm_mon + 1;
}
