/* Shared by the trace request files (request.c, quality.c, exchange.c):
 * a request body checked and completed once, the quality of a body, a
 * response checked once, and the read of one request. Nothing here is
 * public. */
#ifndef WAM_TRACE_REQUEST_H
#define WAM_TRACE_REQUEST_H

#include "internal.h"

/* Checks a request as given (a draft, a merged update or an imported
 * document's request) into `*out`: vocabularies lowercased, country codes
 * upper case, defaults set, and with `item_id` the item and recovery
 * fields not given taken from that weapon. Fields may be missing (a draft);
 * a bad value fails naming its field ("requested.state",
 * "item.markings[2].text"). `prefix` is put before every field named in an
 * error ("request." for an imported document, "" otherwise). */
int wam_trace_body(wam_db *db, json_t **out, const json_t *in, const char *prefix);

/* Whether a request's `item` is an ammunition lot ({kind: "ammunition",
 * ...}) rather than a weapon. */
bool wam_trace_item_is_ammunition(const json_t *item);

/* The data quality of a checked body (wam_trace_request_quality's shape). */
json_t *wam_trace_quality_of(const json_t *body);

/* Checks a response ({result, date?, chain?, ...}) into `*out`; the
 * confidentiality defaults to `confidentiality`, the date to today.
 * `*reply_days` gets `reply_days` if given (else 0). */
int wam_trace_response_body(wam_db *db, json_t **out, const json_t *in, const char *confidentiality, const char *prefix,
                            long *reply_days);

/* The request row of `id` with its body parsed (`body` a JSON object);
 * WAM_ENOTFOUND naming "id" when there is none. */
int wam_trace_row(wam_db *db, json_t **out, const char *id);

/* The fields of `body` that leave this registry in an exchange document:
 * no item_id, notes, direction, nor the recovery's recovery_id (this
 * registry's own ids, naming nothing in another). A new object. */
json_t *wam_trace_public_body(const json_t *body);

/* The parties of a request (`requesting`, `requested`): a state, or a
 * Panel of Experts, a peace operation or a manufacturer known by its name
 * (docs/trace.md "Parties"). The kind of `party`, "state" when it has none
 * (a state's party is written without its kind). */
const char *wam_trace_party_kind(const json_t *party);
bool wam_trace_party_is_state(const json_t *party);
/* Whether `party` is the registry {name, country}: a state by its state
 * code being `country`, another party by its name being `name` as names
 * are compared (wam_trace_same_name) and, when it names a state, that
 * state being `country`. */
bool wam_trace_party_is(const json_t *party, const char *name, const char *country);
/* Two names the same once folded (NFKC, case folded, white space runs as
 * one space, none at the ends); two absent or blank names are not. */
bool wam_trace_same_name(const char *a, const char *b);
/* `name` folded so (a new string, NULL if not UTF-8). */
char *wam_trace_fold_name(const char *name);
/* What a list shows for `party`: the state code of a state, else the name
 * with its state in parentheses when it has one ("Beretta (IT)"). */
void wam_trace_party_label(char *buf, size_t n, const json_t *party);

/* Checks keys of `in` against `allowed`, naming an unknown one with
 * `prefix` before it. */
int wam_trace_check_fields(const json_t *in, const char *const *allowed, const char *prefix);

#endif
