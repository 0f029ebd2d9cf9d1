/* Counters behind GET /metrics (Prometheus text format 0.0.4): requests by route and status
 * with latency histograms, requests open and waiting for the writer. Atomics only: counting
 * never takes a lock on the request path. Plus helpers to write the format. */
#ifndef XF_METRICS_H
#define XF_METRICS_H

#include "../core/buf.h"
#include "../core/xf.h"

struct route;

/* Microseconds from a monotonic clock. */
int64_t metrics_now_us(void);
/* A request was answered: its route (NULL: no API route — "(static)" UI files or
 * "(unmatched)"), HTTP status and duration from the request line to the last byte. */
void metrics_request(const struct route *rt, bool is_static, int status, int64_t micros);
/* Requests between their request line and their answer (+1 / -1), and those of them waiting
 * for the writer (suspended). */
void metrics_active(int delta);
void metrics_suspended(int delta);
/* A request handed to the slow-work threads (req_offload: a login's password check, an
 * export, a report counted live). */
void metrics_offloaded(void);
/* When the server started (UTC seconds; server_start records it). */
void metrics_started(int64_t t);
/* Configuration reloads (SIGHUP), by outcome. */
void metrics_reload(bool ok);

/* The HTTP families: requests, durations, open and suspended requests, reloads. */
void metrics_render_http(struct buf *out);

/* Writing the format. help and names are literals; labels is "" or `a="b",c="d"`. */
void metrics_family(struct buf *out, const char *name, const char *type, const char *help);
void metrics_sample(struct buf *out, const char *name, const char *labels, double value);
/* A histogram from per-bucket counts (not cumulative): counts[0..n) for the bounds le[0..n)
 * (in the unit the family states) and counts[n] above the last bound. */
void metrics_histogram(struct buf *out, const char *name, const char *labels, const double *le,
                       const uint64_t *counts, size_t n, double sum);
/* Append s as a label value (escaping \, " and newlines). */
void metrics_label_value(struct buf *out, const char *s);

#endif
