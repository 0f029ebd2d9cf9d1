/* The one source of "now" (UTC seconds). Tests pin or shift it so deadlines, expiry and
 * scheduled jobs are tested without sleeping. */
#ifndef XF_CLOCK_H
#define XF_CLOCK_H

#include <stdint.h>

int64_t clock_now(void);
/* Milliseconds from a monotonic clock, for durations only (never shifted). */
int64_t clock_mono_ms(void);
/* Pin the clock at t (t > 0) or release it (t == 0). */
void clock_set(int64_t t);
/* Shift the clock by delta seconds (adds to a pinned time, or offsets the real one). */
void clock_advance(int64_t delta);
/* Beijing time (UTC+8, no daylight saving), for periods the platform reports by: the first
 * second of a calendar month (month 1–12; month 13 is January of the next year), and the
 * year and month (1–12) a moment falls in. */
int64_t clock_beijing_month_start(int year, int month);
int clock_beijing_year(int64_t t);
int clock_beijing_month(int64_t t);
/* Format t as ISO 8601 UTC ("2026-11-27T04:45:59Z") into out (at least 21 bytes). */
void clock_iso(int64_t t, char out[static 21]);

#endif
