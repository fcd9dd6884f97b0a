/* wam/stock.h — stockpiles: ammunition lots, locations and moves, custody,
 * stock checks and their reconciliation, destruction.
 *
 * Records cross this API as jansson JSON objects, like registry.h: inputs
 * are borrowed, every `json_t **out` is a new reference the caller releases,
 * each mutating call is one transaction that appends one or more events, and
 * on failure nothing is written and wam_error_last() names the field and the
 * rule. docs/stock.md describes the fields and the rules. */
#ifndef WAM_STOCK_H
#define WAM_STOCK_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- ammunition lots, locations and moves, custody ---- */

/* ---- stock checks and reconciliation ---- */

/* ---- destruction ---- */

#ifdef __cplusplus
}
#endif
#endif
