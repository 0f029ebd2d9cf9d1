/* Notifications leave through an outbox table: queued inside the change that causes them,
 * delivered afterwards by a sender, at least once, with back-off on failure. */
#ifndef XF_OUTBOX_H
#define XF_OUTBOX_H

#include "../store/store.h"

struct outbox_msg {
	int64_t id;
	const char *channel; /* "sms", "wechat", "webhook", "log" */
	const char *recipient;
	const char *subject;
	const char *body;
	int64_t attempts;
	int64_t created_at;
	int64_t token_id; /* webhooks: the API token whose secret signs the body (0: none) */
};

struct outbox_sender {
	const char *name;
	/* XF_OK when the message left; anything else is retried later. */
	int (*send)(void *ctx, const struct outbox_msg *m, struct xf_err *err);
	void *ctx;
	void (*free)(void *ctx);
};

/* Queue a message (call inside a write job, so it commits with the change). */
int outbox_enqueue(struct db *db, const char *channel, const char *recipient, const char *subject,
                   const char *body, int64_t *id_out, struct xf_err *err);
/* Queue a webhook POST of body (JSON) to url, signed with the secret of token_id. */
int outbox_enqueue_webhook(struct db *db, int64_t token_id, const char *url, const char *subject,
                           const char *body, struct xf_err *err);
/* Deliver up to max due messages; counts what was delivered and what failed. */
int outbox_deliver(struct store *s, struct outbox_sender *sender, int max, int *delivered,
                   int *failed, struct xf_err *err);
/* Messages not yet delivered, those of them that failed at least once, and the age in
 * seconds of the oldest (0 when none). */
int outbox_backlog(struct db *db, int64_t now, int64_t *pending, int64_t *failing,
                   int64_t *oldest_s, struct xf_err *err);
/* Seconds to wait before attempt n+1 after n failures: 30 s doubling, capped at 1 h. */
int64_t outbox_backoff(int64_t attempts);
/* The default sender: appends one JSON line per message to a file, fsynced. */
struct outbox_sender *outbox_file_sender(const char *path, struct xf_err *err);
void outbox_sender_free(struct outbox_sender *s);

#endif
