/* wam_trace_vocabulary: tracing's closed vocabularies for a front end to
 * offer, built from the arrays loss.c, hit.c, request.c and sdg.c check input
 * against (trace/trace.h), so what is offered is what is accepted. */
#include "internal.h"
#include "store/field.h"
#include "trace/trace.h"
#include "wam/trace.h"

int wam_trace_vocabulary(json_t **out)
{
	static const wam_vocab_entry lists[] = {
	    {"loss_kinds", &wam_trace_loss_kinds},
	    {"hit_decisions", &wam_trace_hit_decisions},
	    {"diversion_categories", &wam_trace_diversions},
	    {"trace_directions", &wam_trace_directions},
	    {"trace_vias", &wam_trace_vias},
	    {"trace_party_kinds", &wam_trace_party_kinds},
	    {"illicit_reasons", &wam_trace_illicit_reasons},
	    {"confidentialities", &wam_trace_confidentialities},
	    {"urgencies", &wam_trace_urgencies},
	    {"trace_results", &wam_trace_results},
	    {"trace_results_need_reason", &wam_trace_results_needing_reason},
	    {"trace_states", &wam_trace_states},
	    {"sdg_weapon_types", &wam_trace_sdg_weapon_types},
	    {"sdg_results", &wam_trace_sdg_results},
	    {"sdg_counts", &wam_trace_sdg_counts},
	};
	return wam_vocab_object(out, lists, sizeof lists / sizeof lists[0]);
}
