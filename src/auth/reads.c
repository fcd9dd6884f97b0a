/* Logged reads: who read which sensitive fields of which record, and how.
 *
 * A read of site coordinates or a holder's licence and address is an event
 * like any change, so the ledger that proves what was done to a record also
 * proves who looked at the parts of it that could hurt someone. The event
 * changes no projection. */
#include <string.h>

#include "auth/common.h"

#define MAX_FIELDS 64
#define MAX_FIELD_LEN 64
#define MAX_SUBJECT_LEN 64
#define MAX_VIA_LEN 512

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

int wam_auth_log_read(wam_db *db, const char *subject, const json_t *fields, const char *via)
{
	int rc;
	size_t i;
	const json_t *f;
	json_t *p = NULL;
	if (!subject || !*subject || strlen(subject) > MAX_SUBJECT_LEN || !printable(subject))
		return wam_error_set(WAM_EINVAL, "subject", "subject must be a record id of 1 to %d bytes",
		                     MAX_SUBJECT_LEN);
	if (!json_is_array(fields) || json_array_size(fields) == 0 || json_array_size(fields) > MAX_FIELDS)
		return wam_error_set(WAM_EINVAL, "fields", "fields must be a list of 1 to %d field names", MAX_FIELDS);
	json_array_foreach(fields, i, f)
	{
		const char *s = json_string_value(f);
		if (!s || !*s || json_string_length(f) > MAX_FIELD_LEN || strlen(s) != json_string_length(f) ||
		    !printable(s))
			return wam_error_set(WAM_EINVAL, "fields",
			                     "fields must be a list of field names of 1 to %d bytes", MAX_FIELD_LEN);
	}
	if (!via || !*via || strlen(via) > MAX_VIA_LEN || !printable(via))
		return wam_error_set(WAM_EINVAL, "via", "via must say how the record was read, in 1 to %d bytes",
		                     MAX_VIA_LEN);
	if (!(p = json_pack("{s:O, s:s}", "fields", (json_t *)fields, "via", via)))
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_ledger_append(db, "record.read", subject, p, NULL))) {
		wam_db_rollback(db);
		goto done;
	}
	rc = wam_db_commit(db);
done:
	json_decref(p);
	return rc;
}
