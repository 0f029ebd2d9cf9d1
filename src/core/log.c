#include "log.h"
#include "clock.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>

static enum log_level level = LOG_INFO;
static FILE *access_f;
static bool access_dirty;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

void log_set_level(enum log_level lvl)
{
	__atomic_store_n(&level, lvl, __ATOMIC_RELAXED); /* changed on SIGHUP */
}

FILE *log_set_access(FILE *f)
{
	pthread_mutex_lock(&mu);
	FILE *old = access_f;
	if (old && access_dirty)
		fflush(old);
	access_dirty = false;
	access_f = f;
	pthread_mutex_unlock(&mu);
	return old;
}

FILE *log_access_file(void)
{
	return access_f;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	if (lvl < __atomic_load_n(&level, __ATOMIC_RELAXED))
		return;
	char ts[21];
	clock_iso(clock_now(), ts);
	va_list ap;
	va_start(ap, fmt);
	pthread_mutex_lock(&mu);
	fprintf(stderr, "%s %s ", ts, names[lvl]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&mu);
	va_end(ap);
}

void log_access_line(const char *line, size_t len)
{
	pthread_mutex_lock(&mu);
	if (!access_f) {
		pthread_mutex_unlock(&mu);
		return;
	}
	fwrite(line, 1, len, access_f);
	fputc('\n', access_f);
	access_dirty = true;
	pthread_mutex_unlock(&mu);
}

void log_access_flush(void)
{
	pthread_mutex_lock(&mu);
	if (access_f && access_dirty)
		fflush(access_f);
	access_dirty = false;
	pthread_mutex_unlock(&mu);
}
