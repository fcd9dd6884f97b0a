/* wam_stock_vocabulary: the stock room's closed vocabularies for a front
 * end to offer, built from the arrays lot.c, custody.c, check.c and
 * destruction.c check input against (stock/vocabulary.h). */
#include "internal.h"
#include "stock/vocabulary.h"
#include "store/field.h"
#include "wam/stock.h"

int wam_stock_vocabulary(json_t **out)
{
	static const wam_vocab_entry lists[] = {
	    {"lot_conditions", &wam_stock_lot_conditions},
	    {"hazard_divisions", &wam_stock_hazard_divisions},
	    {"compat_groups", &wam_stock_compat_groups},
	    {"custody_states", &wam_stock_custody_states},
	    {"check_types", &wam_stock_check_types},
	    {"check_read_methods", &wam_stock_check_read_methods},
	    {"check_outcomes", &wam_stock_check_outcomes},
	    {"destruction_methods", &wam_stock_destruction_methods},
	    {"destruction_roles", &wam_stock_destruction_roles},
	};
	return wam_vocab_object(out, lists, sizeof lists / sizeof lists[0]);
}
