/* /api/v1/shipments, /api/v1/diversions and /api/v1/transfer-records: the
 * goods that leave and enter under a licence, the diversion alerts that
 * post-shipment checks open, and the rows transfer reports are made from
 * (docs/transfers.md). National, like every route of the transfers room. */
#include <string.h>

#include "http.h"
#include "wam/transfers.h"

/* ---- shipments ---- */

void h_shipments_list(wam_request *r)
{
	json_t *out = NULL;
	int rc = wam_transfers_shipment_list(r->db, &out, request_query(r, "licence"));
	reply_result(r, rc, 200, &out);
}

void h_shipments_create(wam_request *r)
{
	transfers_create(r, wam_transfers_shipment_add, "/api/v1/shipments");
}

void h_shipment_get(wam_request *r)
{
	transfers_get(r, wam_transfers_shipment_get);
}

void h_shipment_deliver(wam_request *r)
{
	transfers_change(r, wam_transfers_shipment_deliver);
}

/* ---- diversion alerts ---- */

void h_diversions_list(wam_request *r)
{
	transfers_list(r, wam_transfers_diversion_list, "state");
}

void h_diversion_get(wam_request *r)
{
	transfers_get(r, wam_transfers_diversion_get);
}

/* The body is empty (or {}): the request is addressed to the state of
 * destination; it is edited and sent under /api/v1/traces. */
void h_diversion_trace(wam_request *r)
{
	if (!transfers_no_fields(r))
		return;
	json_t *out = NULL;
	int rc = wam_transfers_diversion_trace(r->db, &out, r->params[0]);
	reply_result(r, rc, 200, &out);
}

void h_diversion_close(wam_request *r)
{
	transfers_change(r, wam_transfers_diversion_close);
}

/* ---- what reports need ---- */

#define RECORDS_YEAR_MIN 1900
#define RECORDS_YEAR_MAX 2100

void h_transfer_records(wam_request *r)
{
	long year = 0;
	if (!request_query_int(r, "year", RECORDS_YEAR_MIN, RECORDS_YEAR_MAX, &year))
		return;
	json_t *out = NULL;
	int rc =
	    wam_transfers_records(r->db, &out, (int)year, request_query(r, "direction"), request_query(r, "figure"));
	reply_result(r, rc, 200, &out);
}
