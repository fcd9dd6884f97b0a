/* jansson's allocator: libwam owns it.
 *
 * jansson reports an allocation that failed only by a NULL or -1 that is
 * easy to drop (json_object_set_new, json_array_append_new, json_pack), so
 * a field could vanish from an answer or from an event payload without
 * anyone noticing. The hooks installed here, once, when the program starts,
 * count each failed allocation on the thread that made it; the store
 * refuses to commit a transaction during which the count moved (WAM_ENOMEM,
 * everything rolled back) and the front ends refuse to send an answer built
 * while it moved. A program linking libwam must not install jansson hooks
 * of its own.
 *
 * The hot path (an import makes millions of JSON allocations) pays one
 * thread-local test on top of malloc: counting happens only on failure. */
#include <jansson.h>
#include <stdlib.h>

#include "util/alloc.h"
#include "wam/error.h"

static _Thread_local unsigned long failures; /* failed allocations on this thread */
static _Thread_local unsigned long settled;  /* failures dealt with (wam_alloc_settle) */
static _Thread_local long fail_countdown;    /* tests: allocations until one fails */
static _Thread_local bool fail_every;        /* tests: and every one after it */
static _Thread_local bool failing;           /* tests: fail_every reached */

static void *json_alloc(size_t n)
{
	if (failing || (fail_countdown > 0 && --fail_countdown == 0)) {
		failing = fail_every;
		failures++;
		return NULL;
	}
	void *p = malloc(n);
	if (!p)
		failures++;
	return p;
}

/* Runs before main, so no JSON value of the program was made with another
 * allocator (free is the same either way). */
__attribute__((constructor)) static void install(void)
{
	json_set_alloc_funcs(json_alloc, free);
}

unsigned long wam_error_alloc_failures(void)
{
	return failures;
}

void wam_alloc_settle(void)
{
	settled = failures;
}

bool wam_alloc_unsettled(void)
{
	return failures != settled;
}

void wam_alloc_fail_after(long n, bool every)
{
	fail_countdown = n > 0 ? n : 0;
	fail_every = every && n > 0;
	failing = false;
}

long wam_alloc_fail_pending(void)
{
	return fail_countdown;
}
