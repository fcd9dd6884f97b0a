/* A weapon's links: what the other rooms hold about it, gathered through
 * the links hooks of rooms.c (the registry knows no other room), for the
 * weapon's page (GET /api/v1/items/{id}/links). */
#include "internal.h"
#include "wam/registry.h"

int wam_registry_item_links(wam_db *db, json_t **out, const char *id)
{
	json_t *item = NULL;
	*out = NULL;
	int rc = wam_registry_item_get(db, &item, id); /* the principal's weapon, or not found */
	json_decref(item);
	if (rc)
		return rc;
	json_t *links = json_pack("{s:s}", "id", id);
	if (!links)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	for (const wam_item_links_hook *h = wam_item_links_hooks; *h && !rc; h++)
		rc = (*h)(db, links, id);
	if (rc) {
		json_decref(links);
		return rc;
	}
	*out = links;
	return 0;
}
