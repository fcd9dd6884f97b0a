/* What the stockpile holds about one weapon, for its page to link to (the
 * wam_item_links_hook of rooms.c): its custody (issues and returns), the
 * stock checks that expected it or found a discrepancy about it, and the
 * destruction batch that lists it. A principal confined to sites gets the
 * custody and checks of its sites; destruction batches cover the whole
 * registry. */
#include "internal.h"

int wam_stock_item_links(wam_db *db, json_t *links, const char *item_id);
int wam_stock_item_links(wam_db *db, json_t *links, const char *item_id)
{
	int rc;
	if ((rc = wam_links_part(db, links, "custody", "custody",
	                         "SELECT id, substr(issued_at, 1, 10) AS date, state, person, unit, expected_return,"
	                         " substr(returned_at, 1, 10) AS returned, site_id FROM custody WHERE item_id=?1"
	                         " ORDER BY issued_seq DESC",
	                         item_id)) ||
	    (rc = wam_links_part(
	         db, links, "checks", "check",
	         "SELECT c.id, substr(c.opened_at, 1, 10) AS date, c.type, c.status, c.site_id,"
	         " v.kind AS discrepancy, v.status AS investigation, v.outcome FROM stock_checks c"
	         " LEFT JOIN stock_investigations v ON v.check_id=c.id AND v.item_id=?1"
	         " WHERE c.id IN (SELECT check_id FROM stock_check_expected WHERE ref=?1 AND kind='weapon'"
	         "  UNION SELECT check_id FROM stock_investigations WHERE item_id=?1)"
	         " GROUP BY c.id ORDER BY c.opened_seq DESC",
	         item_id)))
		return rc;
	if (wam_confined(db))
		return 0;
	return wam_links_part(
	    db, links, "destructions", "destruction",
	    "SELECT d.id, d.date, d.method, d.state, d.certificate FROM destruction_items x"
	    " JOIN destructions d ON d.id=x.destruction_id WHERE x.item_id=?1 ORDER BY d.opened_seq DESC",
	    item_id);
}
