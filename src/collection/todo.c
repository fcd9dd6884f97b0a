/* Field collection's part of the work to do (wam_todo): recovered weapons
 * waiting to be marked or destroyed (rule R5), soonest due first. Tasks
 * cover the whole registry, so a principal confined to sites is not given
 * them; they are done with the collect action. */
#include <string.h>

#include "internal.h"
#include "project.h"
#include "wam/auth.h"
#include "wam/collection.h"

static json_t *task_entry(const json_t *t)
{
	return json_pack("{s:O, s:{s:O?, s:O?, s:O?, s:O?}, s:O?}", "id", json_object_get(t, "id"), "title", "serial",
	                 json_object_get(t, "serial"), "kind", json_object_get(t, "kind"), "item_id",
	                 json_object_get(t, "item_id"), "state", json_object_get(t, "state"), "due",
	                 json_object_get(t, "due"));
}

int wam_collection_todo(wam_db *db, json_t *items, const char *today);
int wam_collection_todo(wam_db *db, json_t *items, const char *today)
{
	json_t *list = NULL;
	const wam_principal *p = wam_db_principal(db);
	(void)today; /* a task is overdue by the server's own date */
	if (wam_confined(db) || (p && !wam_auth_allows(p->role, WAM_ACT_COLLECT)))
		return 0;
	int rc = wam_collection_task_rows(db, &list, "open", false);
	if (!rc)
		rc = wam_todo_add(items, "tasks_open", list, task_entry, NULL);
	json_decref(list);
	return rc;
}
