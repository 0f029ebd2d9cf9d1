/* The audit log: append-only rows for every write, login, denial, reveal and export, chained
 * by a keyed hash so that editing, deleting or reordering any row is detected. Rows are
 * written inside the change they record; one appender chains them afterwards, in order. */
#ifndef XF_AUDIT_H
#define XF_AUDIT_H

#include "../store/store.h"

struct audit_entry {
	int64_t user_id;      /* 0 = anonymous */
	const char *role;     /* the acting grant's role */
	int64_t on_behalf_of; /* person acted for (staff entering for a resident), 0 = none */
	const char *action;   /* "session.create", "people.reveal", … */
	const char *object;   /* "people/17", a path, a username */
	const char *ip;
	const char *outcome; /* "ok", "denied", "failed" */
	const char *detail;  /* purpose of a reveal, reason of a denial … */
};

/* Append a row (inside a write job). */
int audit_write(struct db *db, const struct audit_entry *e, struct xf_err *err);
/* Append from outside a job: queued on the writer, not waited for (denials, failures). */
void audit_write_async(struct store *s, const struct audit_entry *e);
/* Chain up to max pending rows (inside a write job). */
int audit_chain(struct db *db, int max, int *chained, struct xf_err *err);

struct audit_report {
	int64_t rows, chained, pending;
	int64_t broken_id; /* first row that fails, 0 = chain whole */
	char reason[160];
};
/* Recompute the chain. XF_OK even when broken: read report->broken_id. Needs the key. */
int audit_verify(struct db *db, struct audit_report *rep, struct xf_err *err);
/* Recompute every chained row's hash under the key now installed (key rotation, after the
 * chain verified under the old key). */
int audit_rehash(struct db *db, struct xf_err *err);
/* Drop rows older than `before` (retention), keeping the chain verifiable from the rest. */
int audit_purge(struct db *db, int64_t before, struct xf_err *err);

#endif
