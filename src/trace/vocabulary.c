/* wam_trace_vocabulary: tracing's closed vocabularies for a front end to
 * offer, built from the arrays hit.c, request.c and sdg.c check input
 * against (trace/trace.h), so what is offered is what is accepted. */
#include "internal.h"
#include "trace/trace.h"
#include "wam/trace.h"

/* The words of NULL-terminated `vocab` as a new array; NULL when memory is
 * exhausted. */
static json_t *words(const char *const *vocab)
{
	json_t *a = json_array();
	for (; a && *vocab; vocab++)
		if (json_array_append_new(a, json_string(*vocab))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int wam_trace_vocabulary(json_t **out)
{
	static const struct {
		const char *key;
		const char *const *const *vocab;
	} lists[] = {
	    {"diversion_categories", &wam_trace_diversions},
	    {"trace_vias", &wam_trace_vias},
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
	json_t *v = json_object();
	*out = NULL;
	for (size_t i = 0; v && i < sizeof lists / sizeof lists[0]; i++)
		if (json_object_set_new(v, lists[i].key, words(*lists[i].vocab))) {
			json_decref(v);
			v = NULL;
		}
	if (!v)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory listing the trace vocabularies");
	*out = v;
	return 0;
}
