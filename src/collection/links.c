/* The recoveries that brought one weapon in, for its page to link to (the
 * wam_item_links_hook of rooms.c). Recoveries cover the whole registry:
 * a principal confined to sites gets none. */
#include "internal.h"

int wam_collection_item_links(wam_db *db, json_t *links, const char *item_id);
int wam_collection_item_links(wam_db *db, json_t *links, const char *item_id)
{
	if (wam_confined(db))
		return 0;
	return wam_links_part(
	    db, links, "recoveries", "recovery",
	    "SELECT r.id, r.date, r.type, r.place, r.context FROM recovery_items x"
	    " JOIN recoveries r ON r.id=x.recovery_id WHERE x.item_id=?1 ORDER BY r.recorded_seq DESC",
	    item_id);
}
