/* Handlers of the platform core, one group per file; routes.c puts them in the one table. */
#ifndef XF_API_H
#define XF_API_H

#include "../http/http.h"

/* core_api.c */
int api_healthz(struct req *r);
int api_openapi(struct req *r);
int api_system_status(struct req *r);
int api_test_clock(struct req *r);
extern const struct jv_field api_test_clock_body[];

/* session_api.c */
int api_session_create(struct req *r);
int api_session_delete(struct req *r);
int api_me(struct req *r);
int api_me_preferences(struct req *r);
extern const struct jv_field api_session_body[];
extern const struct jv_field api_preferences_body[];

/* Register the scheduled jobs of the core (session purge, outbox delivery). */
void api_core_schedule(struct app *app);

#endif
