/* STUB: replaced by the trace room's projector. */
#include "trace/project.h"

int wam_trace_request_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
        const char *time)
{
	(void)ctx; (void)subject; (void)payload; (void)time;
	return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has unknown type '%s'", (long long)seq, type);
}
