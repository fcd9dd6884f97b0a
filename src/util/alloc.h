/* jansson's allocator, owned by libwam (util/alloc.c).
 *
 * Every JSON value libwam or a front end builds is allocated through hooks
 * libwam installs when the program starts; a failed allocation is counted
 * per thread (wam_error_alloc_failures() in wam/error.h), so an answer or
 * an event payload that lost a field to an out-of-memory is never taken
 * for a whole one: the store refuses to commit a transaction during which
 * the count moved, and the front ends refuse to send an answer built while
 * it did. */
#ifndef WAM_UTIL_ALLOC_H
#define WAM_UTIL_ALLOC_H

#include <stdbool.h>

/* Marks every failure so far as dealt with: called when a transaction ends
 * (committed, or rolled back with all it built) and by wam_error_clear()
 * (a front end's next request, a caller that handled the error). */
void wam_alloc_settle(void);

/* True when an allocation failed on this thread since the last
 * wam_alloc_settle(): wam_error_set() then reports WAM_ENOMEM whatever
 * error it was given, since the input or state that error describes may
 * be what the failure cut short. */
bool wam_alloc_unsettled(void);

/* For tests of the out-of-memory paths only: on this thread, the `n`th
 * jansson allocation from now fails (and with `every`, each one after it
 * too); 0 turns failing off. Nothing in the environment or the command line
 * reaches this: only a test program that links libwam calls it. */
void wam_alloc_fail_after(long n, bool every);

/* How many allocations are still to pass before the one set to fail: 0 once
 * it failed (or when none is set). A test knows from it whether the
 * operation it ran reached the failure it asked for. */
long wam_alloc_fail_pending(void);

#endif
