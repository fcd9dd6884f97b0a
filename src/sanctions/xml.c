/* The UN Security Council Consolidated List as the Council publishes it
 * (domain.md §2.12): root CONSOLIDATED_LIST with its dateGenerated,
 * INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY. Parsed by libxml2 with network
 * access off (XML_PARSE_NONET), no entity substitution (no
 * XML_PARSE_NOENT), no DTD loaded (no XML_PARSE_DTDLOAD), and a file with a
 * document type declaration refused, so the file can name nothing outside
 * itself. The whole file is read and checked before anything is written:
 * a malformed or truncated one is refused with its line and the element. */
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "sanctions/sanctions.h"

#define LIST_MAX_BYTES (256u << 20) /* a real list is a few MB */

/* The first error libxml2 reports while parsing (this thread's). */
struct first_error {
	bool set;
	int line;
	char message[256];
};

static void keep_first(void *ctx, xmlErrorPtr e)
{
	struct first_error *f = ctx;
	if (f->set || !e || e->level < XML_ERR_ERROR)
		return;
	f->set = true;
	f->line = e->line;
	snprintf(f->message, sizeof f->message, "%s", e->message ? e->message : "malformed XML");
	size_t n = strlen(f->message);
	while (n && (f->message[n - 1] == '\n' || f->message[n - 1] == ' '))
		f->message[--n] = 0;
}

static void quiet(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

static bool named(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

/* The trimmed text of element `n` in a new JSON string, NULL when empty. */
static json_t *text_of(const xmlNode *n)
{
	if (!n)
		return NULL;
	xmlChar *t = xmlNodeGetContent(n);
	if (!t)
		return NULL;
	const char *s = (const char *)t;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	json_t *v = len ? json_stringn(s, len) : NULL;
	xmlFree(t);
	return v;
}

static void set_text(json_t *o, const char *key, const xmlNode *n)
{
	json_t *v = text_of(n);
	if (v)
		json_object_set_new(o, key, v);
}

/* The script of a name: Arabic, Cyrillic or Latin, from its first letter
 * beyond ASCII (Latin when there is none). */
static const char *script_of(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80)
			continue;
		unsigned cp = 0;
		if ((*p & 0xE0) == 0xC0 && p[1])
			cp = ((unsigned)(*p & 0x1F) << 6) | (p[1] & 0x3F);
		if (cp >= 0x600 && cp <= 0x6FF)
			return "arabic";
		if (cp >= 0x400 && cp <= 0x4FF)
			return "cyrillic";
	}
	return "latin";
}

static json_t *name_of(const char *name, const char *quality)
{
	return json_pack("{s:s, s:s, s:s}", "name", name, "quality", quality, "script", script_of(name));
}

/* Every VALUE of element `name` of `n`, as a list of strings. */
static json_t *values(const xmlNode *n, const char *name)
{
	json_t *list = json_array();
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (!named(c, name))
			continue;
		for (const xmlNode *v = c->children; v; v = v->next) {
			json_t *t = named(v, "VALUE") ? text_of(v) : NULL;
			if (t)
				json_array_append_new(list, t);
		}
	}
	return list;
}

/* Appends to `list` the object of element `n`'s children named in `map`
 * (pairs: key, ELEMENT; NULL-terminated) when it has any, or when it has
 * `needed`. */
static void take_record(json_t *list, const xmlNode *n, const char *const *map, const char *needed)
{
	json_t *o = json_object();
	for (int i = 0; map[i]; i += 2)
		set_text(o, map[i], child(n, map[i + 1]));
	if (needed ? json_object_get(o, needed) != NULL : json_object_size(o) > 0)
		json_array_append(list, o);
	json_decref(o);
}

/* The line of node `n` for an error. */
static long line_of(const xmlNode *n)
{
	long l = n ? xmlGetLineNo(n) : -1;
	return l > 0 ? l : 1;
}

/* Refuses child `name` of `n` given twice, naming its second line. */
static int once(const xmlNode *n, const char *el, const char *name)
{
	const xmlNode *first = child(n, name);
	for (const xmlNode *c = first ? first->next : NULL; c; c = c->next)
		if (named(c, name))
			return wam_error_set_line(WAM_EINVAL, line_of(c), name, "line %ld: %s has %s twice", line_of(c),
			                          el, name);
	return 0;
}

/* Refuses the last entry of `entries` (element `n`) when an earlier one
 * has its reference; `seen` maps each reference to its line. */
static int unique_reference(json_t *seen, const json_t *entries, const xmlNode *n)
{
	const char *ref =
	    json_string_value(json_object_get(json_array_get(entries, json_array_size(entries) - 1), "reference"));
	const xmlNode *at = child(n, "REFERENCE_NUMBER");
	const json_t *was = json_object_get(seen, ref);
	if (was)
		return wam_error_set_line(WAM_EINVAL, line_of(at), "REFERENCE_NUMBER",
		                          "line %ld: REFERENCE_NUMBER %.40s is an earlier entry's (line %ld)",
		                          line_of(at), ref, (long)json_integer_value(was));
	json_object_set_new(seen, ref, json_integer(line_of(at)));
	return 0;
}

static int take_dob(json_t *dobs, const xmlNode *d)
{
	json_t *kind = text_of(child(d, "TYPE_OF_DATE")), *one = json_object();
	const char *k = json_string_value(kind);
	int rc = 0;
	if (!k)
		rc = wam_error_set_line(WAM_EINVAL, line_of(d), "INDIVIDUAL_DATE_OF_BIRTH",
		                        "line %ld: INDIVIDUAL_DATE_OF_BIRTH has no TYPE_OF_DATE", line_of(d));
	else if (!strcmp(k, "EXACT") || !strcmp(k, "APPROXIMATELY") || !strcmp(k, "BETWEEN")) {
		json_object_set_new(one, "kind",
		                    json_string(!strcmp(k, "EXACT")     ? "exact"
		                                : !strcmp(k, "BETWEEN") ? "between"
		                                                        : "approximately"));
		set_text(one, "date", child(d, "DATE"));
		set_text(one, "year", child(d, "YEAR"));
		set_text(one, "from", child(d, "FROM_YEAR"));
		set_text(one, "to", child(d, "TO_YEAR"));
		const char *date = json_string_value(json_object_get(one, "date"));
		if (date && strlen(date) > 10) /* 1972-06-07T00:00:00 */
			json_object_set_new(one, "date", json_stringn(date, 10));
		date = json_string_value(json_object_get(one, "date"));
		if (date && !wam_date_valid(date, 1800))
			rc = wam_error_set_line(
			    WAM_EINVAL, line_of(child(d, "DATE")), "DATE",
			    "line %ld: DATE '%.20s' of INDIVIDUAL_DATE_OF_BIRTH is not a date YYYY-MM-DD",
			    line_of(child(d, "DATE")), date);
		else if (!strcmp(k, "BETWEEN") && (!json_object_get(one, "from") || !json_object_get(one, "to")))
			rc = wam_error_set_line(
			    WAM_EINVAL, line_of(d), "INDIVIDUAL_DATE_OF_BIRTH",
			    "line %ld: INDIVIDUAL_DATE_OF_BIRTH of TYPE_OF_DATE BETWEEN needs FROM_YEAR "
			    "and TO_YEAR",
			    line_of(d));
		else if (json_object_size(one) > 1)
			json_array_append(dobs, one);
	} else
		rc = wam_error_set_line(WAM_EINVAL, line_of(child(d, "TYPE_OF_DATE")), "TYPE_OF_DATE",
		                        "line %ld: TYPE_OF_DATE '%.20s' is not EXACT, APPROXIMATELY or BETWEEN",
		                        line_of(child(d, "TYPE_OF_DATE")), k);
	json_decref(kind);
	json_decref(one);
	return rc;
}

/* One INDIVIDUAL or ENTITY. */
static int take_entry(json_t *entries, const xmlNode *n, bool individual)
{
	const char *el = individual ? "INDIVIDUAL" : "ENTITY";
	json_t *e = json_object(), *names = json_array(), *v;
	int rc = 0;
	json_object_set_new(e, "source", json_string("un"));
	json_object_set_new(e, "kind", json_string(individual ? "individual" : "entity"));
	set_text(e, "dataid", child(n, "DATAID"));
	set_text(e, "version", child(n, "VERSIONNUM"));
	set_text(e, "reference", child(n, "REFERENCE_NUMBER"));
	set_text(e, "list_type", child(n, "UN_LIST_TYPE"));
	set_text(e, "listed_on", child(n, "LISTED_ON"));
	set_text(e, "comments", child(n, "COMMENTS1"));
	static const char *const single[] = {"REFERENCE_NUMBER", "FIRST_NAME",   "SECOND_NAME",          "THIRD_NAME",
	                                     "FOURTH_NAME",      "UN_LIST_TYPE", "NAME_ORIGINAL_SCRIPT", NULL};
	for (int i = 0; single[i]; i++)
		if ((rc = once(n, el, single[i])))
			goto done;
	if (!json_object_get(e, "reference")) {
		rc = wam_error_set_line(WAM_EINVAL, line_of(n), el, "line %ld: %s has no REFERENCE_NUMBER", line_of(n),
		                        el);
		goto done;
	}
	const xmlNode *first = child(n, "FIRST_NAME");
	json_t *first_text = text_of(first);
	bool blank = !first_text;
	json_decref(first_text);
	if (!first) {
		rc = wam_error_set_line(WAM_EINVAL, line_of(n), el, "line %ld: %s has no FIRST_NAME", line_of(n), el);
		goto done;
	}
	if (blank) {
		rc = wam_error_set_line(WAM_EINVAL, line_of(first), "FIRST_NAME", "line %ld: FIRST_NAME of %s is blank",
		                        line_of(first), el);
		goto done;
	}
	/* the name parts, in order */
	char name[1024] = "";
	static const char *const parts[] = {"FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME", NULL};
	for (int i = 0; parts[i]; i++) {
		json_t *t = text_of(child(n, parts[i]));
		if (t) {
			size_t l = strlen(name);
			snprintf(name + l, sizeof name - l, "%s%s", l ? " " : "", json_string_value(t));
			json_decref(t);
		}
	}
	json_object_set_new(e, "name", json_string(name));
	json_array_append_new(names, name_of(name, "good"));
	if ((v = text_of(child(n, "NAME_ORIGINAL_SCRIPT")))) {
		json_object_set(e, "name_original_script", v);
		json_array_append_new(names, name_of(json_string_value(v), "good"));
		json_decref(v);
	}
	json_object_set_new(e, "titles", values(n, "TITLE"));
	json_object_set_new(e, "designations", values(n, "DESIGNATION"));
	json_object_set_new(e, "nationalities", values(n, "NATIONALITY"));
	json_object_set_new(e, "updated_on", values(n, "LAST_DAY_UPDATED"));
	json_t *dobs = json_array(), *places = json_array(), *docs = json_array(), *addresses = json_array();
	json_object_set_new(e, "dobs", dobs);
	json_object_set_new(e, "places_of_birth", places);
	json_object_set_new(e, "documents", docs);
	json_object_set_new(e, "addresses", addresses);
	for (const xmlNode *c = n->children; c && !rc; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		const char *cn = (const char *)c->name;
		if (!strcmp(cn, individual ? "INDIVIDUAL_ALIAS" : "ENTITY_ALIAS")) {
			json_t *an = text_of(child(c, "ALIAS_NAME")), *q = text_of(child(c, "QUALITY"));
			const char *qs = json_string_value(q);
			if (an)
				json_array_append_new(names,
				                      name_of(json_string_value(an), !qs                   ? "aka"
				                                                     : !strcmp(qs, "Good") ? "good"
				                                                     : !strcmp(qs, "Low")  ? "low"
				                                                                           : "aka"));
			json_decref(an);
			json_decref(q);
		} else if (individual && !strcmp(cn, "INDIVIDUAL_DATE_OF_BIRTH")) {
			rc = take_dob(dobs, c);
		} else if (individual && !strcmp(cn, "INDIVIDUAL_PLACE_OF_BIRTH")) {
			static const char *const place[] = {
			    "city", "CITY", "state_province", "STATE_PROVINCE", "country", "COUNTRY", NULL};
			take_record(places, c, place, NULL);
		} else if (individual && !strcmp(cn, "INDIVIDUAL_DOCUMENT")) {
			static const char *const doc[] = {"type",    "TYPE_OF_DOCUMENT", "number", "NUMBER",
			                                  "country", "ISSUING_COUNTRY",  NULL};
			take_record(docs, c, doc, "number");
		} else if (!strcmp(cn, individual ? "INDIVIDUAL_ADDRESS" : "ENTITY_ADDRESS")) {
			static const char *const address[] = {"street",  "STREET",  "city", "CITY",
			                                      "country", "COUNTRY", NULL};
			take_record(addresses, c, address, NULL);
		}
	}
	json_object_set(e, "names", names);
	if (!rc)
		json_array_append(entries, e);
done:
	json_decref(names);
	json_decref(e);
	return rc;
}

int sanctions_parse_xml(json_t **out, const char *data, size_t len)
{
	struct first_error err = {0};
	xmlDocPtr doc = NULL;
	json_t *entries = NULL, *generated = NULL, *seen = NULL;
	int rc = 0;
	*out = NULL;
	if (len > LIST_MAX_BYTES || len > (size_t)INT32_MAX)
		return wam_error_set(WAM_EINVAL, "file", "a list file is at most %u MB", LIST_MAX_BYTES >> 20);
	xmlInitParser();
	xmlSetStructuredErrorFunc(&err, keep_first);
	xmlSetGenericErrorFunc(NULL, quiet);
	doc = xmlReadMemory(data, (int)len, "list.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSetGenericErrorFunc(NULL, NULL);
	if (!doc || err.set) {
		rc = wam_error_set_line(WAM_EINVAL, err.line, "file", "line %d: the list is not well-formed XML: %s",
		                        err.line, err.set ? err.message : "no document");
		goto done;
	}
	if (doc->intSubset || doc->extSubset) {
		/* a DTD node has no line: the document's first element's */
		long line = line_of(xmlDocGetRootElement(doc));
		rc = wam_error_set_line(WAM_EINVAL, line, "DOCTYPE",
		                        "line %ld: a list file has no document type declaration (DOCTYPE)", line);
		goto done;
	}
	const xmlNode *root = xmlDocGetRootElement(doc);
	if (!named(root, "CONSOLIDATED_LIST")) {
		const char *rn = root ? (const char *)root->name : "root";
		rc = wam_error_set_line(WAM_EINVAL, line_of(root), rn,
		                        "line %ld: the root element %s is not CONSOLIDATED_LIST: not a UN list",
		                        line_of(root), rn);
		goto done;
	}
	xmlChar *g = xmlGetProp(root, (const xmlChar *)"dateGenerated");
	if (g && *g)
		generated = json_string((const char *)g);
	xmlFree(g);
	if (!generated) {
		rc = wam_error_set_line(WAM_EINVAL, line_of(root), "CONSOLIDATED_LIST",
		                        "line %ld: CONSOLIDATED_LIST has no dateGenerated", line_of(root));
		goto done;
	}
	double at;
	if (!sanctions_datetime(json_string_value(generated), &at)) {
		rc = wam_error_set_line(
		    WAM_EINVAL, xmlGetLineNo(root), "dateGenerated",
		    "line %ld: attribute dateGenerated '%.40s' of CONSOLIDATED_LIST is not an ISO 8601 "
		    "date-time YYYY-MM-DDThh:mm:ss",
		    (long)xmlGetLineNo(root), json_string_value(generated));
		goto done;
	}
	entries = json_array();
	seen = json_object();
	for (const xmlNode *grp = root->children; grp && !rc; grp = grp->next) {
		bool ind = named(grp, "INDIVIDUALS");
		if (!ind && !named(grp, "ENTITIES"))
			continue;
		for (const xmlNode *n = grp->children; n && !rc; n = n->next) {
			if (n->type != XML_ELEMENT_NODE)
				continue;
			if (!named(n, ind ? "INDIVIDUAL" : "ENTITY"))
				rc = ind ? wam_error_set_line(WAM_EINVAL, line_of(n), (const char *)n->name,
				                              "line %ld: %s in INDIVIDUALS is not an INDIVIDUAL",
				                              line_of(n), (const char *)n->name)
				         : wam_error_set_line(WAM_EINVAL, line_of(n), (const char *)n->name,
				                              "line %ld: %s in ENTITIES is not an ENTITY", line_of(n),
				                              (const char *)n->name);
			else if (!(rc = take_entry(entries, n, ind)))
				rc = unique_reference(seen, entries, n);
		}
	}
	if (!rc && !(*out = json_pack("{s:s, s:s, s:O, s:O}", "source", "un", "format", "un-xml", "generated",
	                              generated, "entries", entries)))
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory reading a list");
done:
	json_decref(entries);
	json_decref(generated);
	json_decref(seen);
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}

static bool ndigits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

bool sanctions_datetime(const char *s, double *at)
{
	int y, mo, d, h, mi, sec = 0, zh = 0, zm = 0;
	double frac = 0;
	char date[11];
	if (!s || strlen(s) < 16 || !ndigits(s, 4, &y) || s[4] != '-' || !ndigits(s + 5, 2, &mo) || s[7] != '-' ||
	    !ndigits(s + 8, 2, &d) || s[10] != 'T' || !ndigits(s + 11, 2, &h) || s[13] != ':' ||
	    !ndigits(s + 14, 2, &mi) || h > 23 || mi > 59)
		return false;
	snprintf(date, sizeof date, "%.10s", s);
	if (!wam_date_valid(date, 1900))
		return false;
	const char *p = s + 16;
	if (*p == ':') {
		if (!ndigits(p + 1, 2, &sec) || sec > 60)
			return false;
		p += 3;
		if (*p == '.') {
			double scale = 0.1;
			if (p[1] < '0' || p[1] > '9')
				return false;
			for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
				frac += (*p - '0') * scale;
		}
	}
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;
		if (!ndigits(p + 1, 2, &zh) || p[3] != ':' || !ndigits(p + 4, 2, &zm) || zh > 23 || zm > 59)
			return false;
		zh *= sign;
		zm *= sign;
		p += 6;
	}
	if (*p)
		return false;
	/* days from 1970-01-01 of the proleptic Gregorian calendar */
	int yy = mo <= 2 ? y - 1 : y;
	int era = (yy >= 0 ? yy : yy - 399) / 400;
	int yoe = yy - era * 400;
	int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	double days = (double)era * 146097 + doe - 719468;
	*at = days * 86400 + h * 3600 + mi * 60 + sec + frac - (zh * 3600 + zm * 60);
	return true;
}
