/* unit-names: names folded across scripts (src/match/names.c) and the
 * screening engine (src/sanctions/engine.c). The required equivalences
 * (Qadhafi in six writings, Muhammad in five, Yusuf in four), particles,
 * honorifics and legal forms left out of comparison but kept in the name,
 * parts in another order, initials, a missing middle part, a different
 * date of birth counting against, an unrelated name not matching, and
 * invalid UTF-8 refused. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"
#include "sanctions/engine.h"

static void fold(wam_name *n, const char *text)
{
	if (wam_name_fold(n, text, "name"))
		fail_msg("%s: %s", text, wam_error_last()->message);
}

/* The only compared part of `text`. */
static const wam_name_part *one_part(wam_name *n, const char *text)
{
	fold(n, text);
	assert_int_equal(n->ncore, 1);
	for (int i = 0; i < n->n; i++)
		if (n->part[i].role == WAM_NAME_CORE)
			return &n->part[i];
	return NULL;
}

/* Every writing in `group` meets every other one with a similarity of at
 * least 0.9 and not as "fuzzy" or "different". */
static void all_meet(const char *const *group, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			wam_name a, b;
			const wam_name_part *pa = one_part(&a, group[i]), *pb = one_part(&b, group[j]);
			wam_name_how how;
			double s = wam_name_part_similarity(pa, pb, &how);
			if (s < 0.9 || how > WAM_NAME_VARIANT)
				fail_msg("%s and %s: %.3f (%s)", group[i], group[j], s, wam_name_how_word(how));
		}
}

static void test_names_required_equivalences(void **state)
{
	(void)state;
	static const char *const qadhafi[] = {"Qadhafi", "Gaddafi", "Kadhafi", "Al-Qathafi", "القذافي", "Каддафи"};
	static const char *const muhammad[] = {"Muhammad", "Mohammed", "Mohamed", "محمد", "Мухаммад"};
	static const char *const yusuf[] = {"Yusuf", "Youssef", "Yousef", "يوسف"};
	all_meet(qadhafi, 6);
	all_meet(muhammad, 5);
	all_meet(yusuf, 4);
	/* Across scripts the match says so. */
	wam_name a, b;
	wam_name_how how;
	wam_name_part_similarity(one_part(&a, "القذافي"), one_part(&b, "Gaddafi"), &how);
	assert_int_equal(how, WAM_NAME_TRANSLIT);
	/* Diacritics go: é, ü, ç and the ayn sign fold away. */
	assert_string_equal(one_part(&a, "Müçahit")->latin, "mucahit");
	assert_string_equal(one_part(&a, "Mu'ammar")->latin, "muammar");
	assert_string_equal(one_part(&a, "ʿAbbās")->latin, "abbas");
	/* Cyrillic goes through translit.tsv. */
	assert_string_equal(one_part(&a, "Юсуф")->latin, "yusuf");
}

/* ج is written g (Egypt), j or dj; ق q, k or g (the Gulf): g is read
 * either way, j and k stay apart (Jamal is not Kamal). */
static void test_names_jim_and_qaf(void **state)
{
	(void)state;
	static const char *const jamal[] = {"Jamal", "Gamal", "Djamal", "جمال", "Jamaal"};
	static const char *const qasim[] = {"Qasim", "Kasim", "Gasim", "قاسم", "Qassem"};
	static const char *const jafar[] = {"Ja'far", "Gaafar", "Djafar", "جعفر"};
	all_meet(jamal, 5);
	all_meet(qasim, 5);
	all_meet(jafar, 4);
	wam_name a, b;
	wam_name_how how;
	assert_true(wam_name_part_similarity(one_part(&a, "Jamal"), one_part(&b, "Kamal"), &how) < 0.9);
	assert_true(wam_name_part_similarity(one_part(&a, "Gamal"), one_part(&b, "G."), &how) >= 0.85);
	assert_int_equal(how, WAM_NAME_INITIAL);
	assert_true(wam_name_part_similarity(one_part(&a, "Jamal"), one_part(&b, "G."), &how) >= 0.85);
}

/* Compounds meet as one part however they are cut and in either script. */
static void test_names_compounds(void **state)
{
	(void)state;
	static const char *const rahman[] = {"Abdulrahman",   "Abd al-Rahman", "Abdel Rahman", "Abdurrahman",
	                                     "Abd ar-Rahman", "Abdul Rahman",  "عبد الرحمن",   "عبدالرحمن"};
	static const char *const allah[] = {"Abdullah", "Abdallah", "Abd Allah", "Abdulla", "عبد الله", "عبدالله"};
	static const char *const aziz[] = {"Abdelaziz", "Abdul Aziz", "Abd al-Aziz", "Abdulaziz", "عبد العزيز"};
	static const char *const nasr[] = {"Nasreddin",   "Nasr al-Din", "Nasruddin", "Nasr ad-Din",
	                                   "Nasr Eddine", "نصر الدين",   "نصرالدين"};
	all_meet(rahman, 8);
	all_meet(allah, 6);
	all_meet(aziz, 5);
	all_meet(nasr, 7);
	wam_name n;
	fold(&n, "Abd al-Rahman Yusuf al-Masri");
	assert_int_equal(n.ncore, 3);
	assert_string_equal(n.part[0].latin, "abdrahman");
	assert_int_equal(n.part[0].start, 0); /* the compound spans its words */
	assert_int_equal(n.part[0].end, 13);
	fold(&n, "Salah Eddine Bakr");
	assert_int_equal(n.ncore, 2);
	/* Not compounds: Abdou alone, Aladdin, Abdul at the end. */
	fold(&n, "Abdou Ali");
	assert_int_equal(n.ncore, 2);
	fold(&n, "Aladdin");
	assert_string_equal(n.part[0].latin, "aladdin");
	fold(&n, "Hasan Abdul");
	assert_int_equal(n.ncore, 2);
}

static void test_names_particles_and_legal_forms(void **state)
{
	(void)state;
	wam_name n;
	fold(&n, "Sheikh Abu Bakr bin Laden");
	assert_int_equal(n.n, 5); /* all kept for display */
	assert_int_equal(n.ncore, 2);
	assert_int_equal(n.part[0].role, WAM_NAME_PARTICLE);
	assert_int_equal(n.part[1].role, WAM_NAME_PARTICLE);
	assert_int_equal(n.part[2].role, WAM_NAME_CORE);
	assert_int_equal(n.part[3].role, WAM_NAME_PARTICLE);
	char buf[64];
	wam_name_normalized(buf, sizeof buf, &n);
	assert_string_equal(buf, "bakr laden");
	/* The Arabic article written joined is a part of its own, a particle;
	 * its place in the name is kept (code points 0-2). */
	fold(&n, "القذافي");
	assert_int_equal(n.n, 2);
	assert_int_equal(n.part[0].role, WAM_NAME_PARTICLE);
	assert_int_equal(n.part[0].start, 0);
	assert_int_equal(n.part[0].end, 2);
	assert_int_equal(n.part[1].start, 2);
	/* al-, el-, ibn, ould, haji. */
	fold(&n, "Haji Ahmed ould Abdallah el-Masri ibn Yusuf");
	wam_name_normalized(buf, sizeof buf, &n);
	assert_string_equal(buf, "ahmed abdlah masri yusuf"); /* Abdallah: "abd" + Allah */
	/* Legal forms, in Latin and Cyrillic, dotted or not. */
	fold(&n, "Société Générale S.A.");
	assert_true(n.legal_form);
	wam_name_normalized(buf, sizeof buf, &n);
	assert_string_equal(buf, "societe generale");
	fold(&n, "ООО Ромашка");
	assert_true(n.legal_form);
	assert_int_equal(n.ncore, 1);
	fold(&n, "Al-Noor Trading Establishment LLC");
	wam_name_normalized(buf, sizeof buf, &n);
	assert_string_equal(buf, "noor trading");
	/* A particle of one script does not take a part of another: Arabic
	 * عمر (Umar) romanises to "mr" and is no "Mr". */
	fold(&n, "عمر");
	assert_int_equal(n.part[0].role, WAM_NAME_CORE);
	/* A name of particles alone is compared on them. */
	fold(&n, "Abu");
	assert_int_equal(n.ncore, 1);
}

static void test_names_refuses_bad_input(void **state)
{
	(void)state;
	wam_name n;
	assert_int_equal(wam_name_fold(&n, "Mu\xc3\x28hammad", "party.name"), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "party.name");
	assert_int_equal(wam_name_fold(&n, "\xff", "name"), WAM_EINVAL);
	assert_int_equal(wam_name_fold(&n, " - . ", "name"), WAM_EINVAL);
	assert_int_equal(wam_name_fold(&n, NULL, "name"), WAM_EINVAL);
}

static void test_names_jaro_winkler(void **state)
{
	(void)state;
	assert_true(fabs(wam_jaro_winkler("martha", "marhta") - 0.961) < 0.001);
	assert_true(fabs(wam_jaro_winkler("dwayne", "duane") - 0.84) < 0.001);
	assert_true(wam_jaro_winkler("abc", "abc") == 1.0);
	assert_true(wam_jaro_winkler("abc", "xyz") == 0.0);
}

/* ---- the engine ---- */

static screen_index *list(void)
{
	screen_index *idx;
	assert_int_equal(screen_index_new(&idx), 0);
	static const char *const entries[] = {
	    "{\"id\":\"e1\",\"reference\":\"LYi.001\",\"kind\":\"individual\",\"name\":\"Muammar Muhammad Abu Minyar "
	    "al-Qadhafi\",\"names\":[{\"name\":\"معمر محمد أبو منيار "
	    "القذافي\",\"quality\":\"good\",\"script\":\"arabic\"}],"
	    "\"dobs\":[{\"kind\":\"exact\",\"date\":\"1942-06-07\"}],\"nationalities\":[\"LY\"],\"documents\":[],"
	    "\"list_type\":\"Libya\",\"regime\":\"ly\"}",
	    "{\"id\":\"e2\",\"reference\":\"LYi.002\",\"kind\":\"individual\",\"name\":\"Yusuf Ibrahim al-Zawi\","
	    "\"names\":[{\"name\":\"Joe Zawi\",\"quality\":\"low\",\"script\":\"latin\"}],"
	    "\"dobs\":[{\"kind\":\"approximately\",\"year\":1970}],\"nationalities\":[\"LY\"],"
	    "\"documents\":[{\"type\":\"passport\",\"number\":\"A "
	    "123-456\",\"country\":\"LY\"}],\"list_type\":\"Libya\","
	    "\"regime\":\"ly\"}",
	    "{\"id\":\"e3\",\"reference\":\"RUi.003\",\"kind\":\"individual\",\"name\":\"Sergei Viktorovich "
	    "Kuznetsov\","
	    "\"name_original_script\":\"Сергей Викторович "
	    "Кузнецов\",\"names\":[],\"dobs\":[],\"nationalities\":[\"RU\"],"
	    "\"documents\":[],\"list_type\":\"Ukraine\",\"regime\":\"ua\"}",
	    "{\"id\":\"e5\",\"reference\":\"LYi.005\",\"kind\":\"individual\",\"name\":\"Hamza al-Tikriti\","
	    "\"names\":[],\"dobs\":[],\"nationalities\":[],\"documents\":[],\"list_type\":\"Libya\",\"regime\":\"ly\"}",
	    "{\"id\":\"e4\",\"reference\":\"LYe.004\",\"kind\":\"entity\",\"name\":\"Al-Noor Trading Establishment\","
	    "\"names\":[],\"dobs\":[],\"nationalities\":[],\"documents\":[],\"list_type\":\"Libya\",\"regime\":\"ly\"}",
	};
	for (size_t i = 0; i < sizeof entries / sizeof *entries; i++) {
		json_t *e = test_json(entries[i]);
		assert_int_equal(screen_index_add(idx, e), 0);
		json_decref(e);
	}
	return idx;
}

/* The candidates of `name` (with `dob`), at the default threshold unless
 * `threshold` is given. */
static json_t *screen(screen_index *idx, const char *name, const char *dob, double threshold)
{
	wam_sanctions_query q = {.name = name, .dob = dob, .threshold = threshold, .explain = true};
	json_t *c = NULL;
	if (screen_run(idx, &c, &q))
		fail_msg("%s: %s", name, wam_error_last()->message);
	return c;
}

static const char *top(const json_t *c)
{
	return json_string_value(json_object_get(json_object_get(json_array_get(c, 0), "entry"), "id"));
}

static double top_score(const json_t *c)
{
	return json_real_value(json_object_get(json_array_get(c, 0), "score"));
}

static void expect_top(screen_index *idx, const char *name, const char *id)
{
	json_t *c = screen(idx, name, NULL, 0);
	if (!json_array_size(c) || strcmp(top(c), id))
		fail_msg("%s: expected %s on top, got %s", name, id, json_array_size(c) ? top(c) : "nothing");
	json_decref(c);
}

static void expect_none(screen_index *idx, const char *name)
{
	json_t *c = screen(idx, name, NULL, 0);
	if (json_array_size(c))
		fail_msg("%s: expected no candidate, got %s (%.3f)", name, top(c), top_score(c));
	json_decref(c);
}

static void test_engine_finds_across_scripts_and_orders(void **state)
{
	(void)state;
	screen_index *idx = list();
	expect_top(idx, "Muammar Qadhafi", "e1");                 /* middle parts missing */
	expect_top(idx, "Moammar Gaddafi", "e1");                 /* other transliteration */
	expect_top(idx, "معمر القذافي", "e1");                    /* Arabic */
	expect_top(idx, "Муаммар Каддафи", "e1");                 /* Cyrillic */
	expect_top(idx, "Kadhafi, Mouammar", "e1");               /* reordered, French spelling */
	expect_top(idx, "M. al-Qadhafi", "e1");                   /* an initial */
	expect_top(idx, "Youssef Ibrahim Zawi", "e2");            /* variant, particle dropped */
	expect_top(idx, "Sheikh Yousef el-Zawi", "e2");           /* honorific */
	expect_top(idx, "Кузнецов Сергей", "e3");                 /* Cyrillic, reordered, patronymic missing */
	expect_top(idx, "Serguei Kouznetsov", "e3");              /* French transliteration */
	expect_top(idx, "Sergey Viktorovich Kuznetsov Jr", "e3"); /* an extra part */
	expect_top(idx, "Al Nour Trading Est.", "e4");            /* entity, legal form abbreviated */
	expect_top(idx, "Alnoor Trading LLC", "e4");              /* another legal form */
	expect_top(idx, "Muamar Qadhafy", "e1");                  /* typos */
	/* An unrelated name, one sharing a given name only, and one sharing
	 * the family name with other given names are not matches. */
	expect_none(idx, "John Smith");
	expect_none(idx, "Muhammad Smith");
	expect_none(idx, "Ahmed Khalil al-Zawi");
	expect_none(idx, "Sergei Ivanov");
	expect_none(idx, "Al-Fajr Shipping Company");
	screen_index_free(idx);
}

/* A listed name with a father's, grandfather's or tribal name added is
 * found at the threshold; the same parts in another role are not. */
static void test_engine_extra_parts(void **state)
{
	(void)state;
	screen_index *idx = list();
	expect_top(idx, "Hamza Khalid al-Tikriti", "e5");                /* the father's name */
	expect_top(idx, "Hamza Khalid Umar al-Tikriti", "e5");           /* and the grandfather's */
	expect_top(idx, "Hamza al-Tikriti al-Dulaimi", "e5");            /* a tribal name */
	expect_top(idx, "al-Tikriti Hamza Khalid", "e5");                /* family name first */
	expect_top(idx, "Yusuf Ahmad Ibrahim al-Zawi al-Ubaydi", "e2");  /* two extra parts */
	expect_top(idx, "Sergei Viktorovich Ivanovich Kuznetsov", "e3"); /* Cyrillic names too */
	json_t *c = screen(idx, "Hamza Khalid al-Tikriti", NULL, 0);
	assert_true(top_score(c) >= 0.85);
	json_decref(c);
	/* Hamza as the father's name of a Khalid is another man; an entry met
	 * only in part still pays for extra parts in full. */
	expect_none(idx, "Khalid Hamza al-Tikriti");
	expect_none(idx, "Khalid Umar Tikriti");
	expect_none(idx, "Hamza Umar Khalid Ali");
	screen_index_free(idx);
}

/* The spellings of ج and ق and the compounds reach their entries through
 * the blocking keys. */
static void test_engine_spellings_and_compounds(void **state)
{
	(void)state;
	screen_index *idx;
	assert_int_equal(screen_index_new(&idx), 0);
	json_t *e = test_json("{\"id\":\"g1\",\"kind\":\"individual\",\"name\":\"Gamal Abdel Nasser Qasim\","
	                      "\"names\":[],\"dobs\":[],\"nationalities\":[],\"documents\":[]}");
	assert_int_equal(screen_index_add(idx, e), 0);
	json_decref(e);
	e = test_json("{\"id\":\"g2\",\"kind\":\"individual\",\"name\":\"عبد الرحمن نصر الدين\","
	              "\"names\":[],\"dobs\":[],\"nationalities\":[],\"documents\":[]}");
	assert_int_equal(screen_index_add(idx, e), 0);
	json_decref(e);
	expect_top(idx, "Jamal Abd al-Nasir Gasim", "g1");
	expect_top(idx, "Djamal Abdelnasser Kasim", "g1");
	expect_top(idx, "جمال عبد الناصر قاسم", "g1");
	expect_top(idx, "Abdurrahman Nasreddin", "g2");
	expect_top(idx, "Abdel Rahman Nasr ad-Din", "g2");
	/* ... met part for part, not by luck of the letters */
	static const char *const strong[] = {"Jamal Abd al-Nasir Gasim", "Djamal Abdelnasser Kasim",
	                                     "Abdulrahman Nasruddin", "Abdel Rahman Nasr ad-Din"};
	for (int i = 0; i < 4; i++) {
		json_t *c = screen(idx, strong[i], NULL, 0);
		if (!json_array_size(c) || top_score(c) < 0.9)
			fail_msg("%s: %.3f", strong[i], json_array_size(c) ? top_score(c) : 0.0);
		json_decref(c);
	}
	expect_none(idx, "Kamal Rahman Din");
	screen_index_free(idx);
}

static void test_engine_evidence(void **state)
{
	(void)state;
	screen_index *idx = list();
	json_t *plain = screen(idx, "Muammar Qadhafi", NULL, 0);
	json_t *same = screen(idx, "Muammar Qadhafi", "1942-06-07", 0);
	json_t *year = screen(idx, "Muammar Qadhafi", "1942", 0);
	json_t *other = screen(idx, "Muammar Qadhafi", "1975-01-01", 0.01);
	assert_true(top_score(same) > top_score(plain));
	assert_true(top_score(year) > top_score(plain));
	/* A different exact date of birth is strong evidence against: the
	 * candidate falls below the threshold. */
	assert_string_equal(top(other), "e1");
	assert_true(top_score(other) < WAM_SANCTIONS_THRESHOLD);
	json_t *ev = json_array_get(json_object_get(json_array_get(other, 0), "evidence"), 0);
	assert_string_equal(test_str(ev, "field"), "dob");
	assert_string_equal(test_str(ev, "effect"), "against");
	assert_string_equal(test_str(ev, "message_id"), "sanctions.date_birth_differs_from_listed");
	json_t *none = screen(idx, "Muammar Qadhafi", "1975-01-01", 0);
	assert_int_equal(json_array_size(none), 0);
	json_decref(plain);
	json_decref(same);
	json_decref(year);
	json_decref(other);
	json_decref(none);
	/* A listed document number counts for; the year fits an approximate one. */
	wam_sanctions_query q = {.name = "Yusuf Zawi", .document = "a123456", .dob = "1970", .explain = true};
	json_t *c;
	assert_int_equal(screen_run(idx, &c, &q), 0);
	assert_string_equal(top(c), "e2");
	int fors = 0;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(json_array_get(c, 0), "evidence"), i, e) fors +=
	    !strcmp(test_str(e, "effect"), "for");
	assert_int_equal(fors, 2);
	json_decref(c);
	/* An entity's name screened as an individual's counts against. */
	q = (wam_sanctions_query){.name = "Al-Noor Trading", .kind = "individual"};
	assert_int_equal(screen_run(idx, &c, &q), 0);
	assert_int_equal(json_array_size(c), 0);
	json_decref(c);
	/* The low-quality alias is weaker than the same name as a good one. */
	json_t *low = screen(idx, "Joe Zawi", NULL, 0.01);
	assert_string_equal(top(low), "e2");
	assert_true(top_score(low) < json_real_value(json_object_get(json_array_get(low, 0), "name_score")));
	json_decref(low);
	screen_index_free(idx);
}

static void test_engine_explains(void **state)
{
	(void)state;
	screen_index *idx = list();
	json_t *c = screen(idx, "Sheikh Moammar el-Gaddafi", NULL, 0);
	json_t *x = json_object_get(json_array_get(c, 0), "explanation");
	assert_string_equal(test_str(json_array_get(c, 0), "matched_name"), "Muammar Muhammad Abu Minyar al-Qadhafi");
	int seen = 0;
	size_t i;
	json_t *p;
	json_array_foreach(x, i, p)
	{
		const char *qp = json_string_value(json_object_get(p, "query_part")), *how = test_str(p, "how");
		json_t *at = json_object_get(p, "at");
		if (qp && !strcmp(qp, "Sheikh")) {
			assert_string_equal(how, "particle_ignored");
			assert_int_equal(json_integer_value(json_array_get(at, 0)), 0);
			assert_int_equal(json_integer_value(json_array_get(at, 1)), 6);
			seen |= 1;
		} else if (qp && !strcmp(qp, "Gaddafi")) {
			assert_string_equal(test_str(p, "entry_part"), "Qadhafi");
			assert_string_equal(how, "variant");
			assert_int_equal(json_integer_value(json_array_get(at, 0)), 18);
			seen |= 2;
		} else if (!qp && !strcmp(test_str(p, "entry_part"), "Muhammad")) {
			assert_string_equal(how, "missing");
			seen |= 4;
		}
	}
	assert_int_equal(seen, 7);
	json_decref(c);
	/* Deterministic: the same query twice gives the same document. */
	json_t *a = screen(idx, "Muhammad", NULL, 0.01), *b = screen(idx, "Muhammad", NULL, 0.01);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	/* Invalid UTF-8 in a query is refused naming the field. */
	wam_sanctions_query q = {.name = "Qadh\xe2\x28\xa1"
	                                 "fi"};
	assert_int_equal(screen_run(idx, &c, &q), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "name");
	assert_null(c);
	screen_index_free(idx);
}

/* An index of the names a hostile review screened against. */
static screen_index *review_list(void)
{
	screen_index *idx;
	assert_int_equal(screen_index_new(&idx), 0);
	static const char *const entries[] = {
	    "{\"id\":\"f1\",\"reference\":\"UAi.001\",\"kind\":\"individual\",\"name\":\"Igor Valentinovich "
	    "Ferzenko\",\"name_original_script\":\"ИГОРЬ ВАЛЕНТИНОВИЧ ФЕРЗЕНКО\",\"names\":[],\"dobs\":[],"
	    "\"nationalities\":[],\"documents\":[],\"list_type\":\"Ukraine\",\"regime\":\"ua\"}",
	    "{\"id\":\"f2\",\"reference\":\"IQi.002\",\"kind\":\"individual\",\"name\":\"Mustafa Yusuf "
	    "al-Kumrawi\",\"names\":[],\"dobs\":[],\"nationalities\":[],\"documents\":[],\"list_type\":\"Iraq\","
	    "\"regime\":\"iq\"}",
	    "{\"id\":\"f3\",\"reference\":\"MLi.003\",\"kind\":\"individual\",\"name\":\"Sidi ould Barka\","
	    "\"names\":[],\"dobs\":[],\"nationalities\":[],\"documents\":[],\"list_type\":\"Mali\","
	    "\"regime\":\"ml\"}",
	};
	for (size_t i = 0; i < sizeof entries / sizeof *entries; i++) {
		json_t *e = test_json(entries[i]);
		assert_int_equal(screen_index_add(idx, e), 0);
		json_decref(e);
	}
	return idx;
}

/* The top candidate of `name` is `id` from `min` up. */
static void expect_top_from(screen_index *idx, const char *name, const char *id, double min)
{
	json_t *c = screen(idx, name, NULL, 0);
	if (!json_array_size(c) || strcmp(top(c), id) || top_score(c) < min)
		fail_msg("%s: expected %s from %.2f, got %s (%.3f)", name, id, min,
		         json_array_size(c) ? top(c) : "nothing", json_array_size(c) ? top_score(c) : 0.0);
	json_decref(c);
}

/* Format characters join a part, they never cut it: zero-width space,
 * soft hyphen, joiners, direction marks, byte order mark, word joiner,
 * the Arabic tatweel. */
static void test_names_format_characters(void **state)
{
	(void)state;
	static const char *const hidden[] = {
	    "Igor Ferzen\u200bko", "Igor Fer\u00adzenko", "Igor Ferz\u200cenko", "Igor Ferz\u200denko",
	    "Igor Fe\u200erzenko", "Igor \u200fFerzenko", "\ufeffIgor Ferzenko", "Igor Ferzenk\u2060o",
	};
	for (size_t i = 0; i < sizeof hidden / sizeof *hidden; i++) {
		wam_name n;
		fold(&n, hidden[i]);
		if (n.n != 2 || strcmp(n.part[0].latin, "igor") || strcmp(n.part[1].latin, "ferzenko"))
			fail_msg("%s: %d parts, the last \"%s\"", hidden[i], n.n, n.n ? n.part[n.n - 1].latin : "");
	}
	wam_name a, b;
	const wam_name_part *pa = one_part(&a, "قذ\u0640\u0640افي"), *pb = one_part(&b, "قذافي");
	assert_string_equal(pa->latin, pb->latin);
	wam_name bad;
	assert_int_equal(wam_name_fold(&bad, "\u200b\u00ad", "name"), WAM_EINVAL);
	screen_index *idx = review_list();
	for (size_t i = 0; i < sizeof hidden / sizeof *hidden; i++)
		expect_top_from(idx, hidden[i], "f1", WAM_SANCTIONS_THRESHOLD);
	screen_index_free(idx);
}

/* A name spelt out letter by letter is the word it spells; initials cut
 * by dots stay initials, and two letters stay two. */
static void test_names_spelt_letters(void **state)
{
	(void)state;
	wam_name n;
	fold(&n, "I g o r Ferzenko");
	assert_int_equal(n.n, 2);
	assert_string_equal(n.part[0].latin, "igor");
	assert_int_equal(n.part[0].start, 0);
	assert_int_equal(n.part[0].end, 7);
	fold(&n, "Igor F e r z e n k o");
	assert_int_equal(n.n, 2);
	assert_string_equal(n.part[1].latin, "ferzenko");
	fold(&n, "J. R. R. Tolkien");
	assert_int_equal(n.n, 4);
	fold(&n, "A B Hasan");
	assert_int_equal(n.n, 3);
	screen_index *idx = review_list();
	expect_top_from(idx, "I g o r Ferzenko", "f1", WAM_SANCTIONS_THRESHOLD);
	expect_top_from(idx, "I G O R  F E R Z E N K O", "f1", WAM_SANCTIONS_THRESHOLD);
	screen_index_free(idx);
}

/* The particles written in Cyrillic (аль, ибн, ульд, хаджи...) and al-Hajj
 * are left out of comparison like their Latin and Arabic forms. */
static void test_names_cyrillic_particles(void **state)
{
	(void)state;
	static const char *const particle[] = {"аль", "ал",   "эль",   "ибн",  "бин",  "бинт",
	                                       "абу", "ульд", "хаджи", "хадж", "hajj", "Hajj"};
	for (size_t i = 0; i < sizeof particle / sizeof *particle; i++) {
		wam_name n;
		char name[64];
		snprintf(name, sizeof name, "Karim %s Barka", particle[i]);
		fold(&n, name);
		if (n.ncore != 2 || n.part[1].role != WAM_NAME_PARTICLE)
			fail_msg("%s: %d parts compared, \"%s\" not a particle", name, n.ncore, n.part[1].latin);
	}
	screen_index *idx = review_list();
	expect_top_from(idx, "Мустафа Юсуф аль-Кумрави", "f2", 0.9);
	expect_top_from(idx, "Мустафа Юсуф эль-Кумрави", "f2", 0.9);
	expect_top_from(idx, "Сиди ульд Барка", "f3", 0.9);
	expect_top_from(idx, "al-Hajj Mustafa Yusuf al-Kumrawi", "f2", 0.9);
	expect_top_from(idx, "Hajj Mustafa Yusuf al-Kumrawi", "f2", 0.9);
	screen_index_free(idx);
}

/* Ukrainian romanisation meets the Russian: Ihor and Igor, Oleh and Oleg,
 * Serhiy and Sergei, Hryhoriy and Grigoriy, -ych and -ich; the g of Arabic
 * names stays apart from their h (Hasan is not Gasan). */
static void test_names_ukrainian(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
	    {"Ihor", "ИГОРЬ"},
	    {"Ihor", "Igor"},
	    {"Oleh", "Oleg"},
	    {"Serhiy", "Sergei"},
	    {"Serhii", "Сергей"},
	    {"Hryhoriy", "Grigoriy"},
	    {"Valentynovych", "ВАЛЕНТИНОВИЧ"},
	    {"Heorhiy", "Georgiy"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		wam_name a, b;
		const wam_name_part *pa = one_part(&a, pairs[i][0]), *pb = one_part(&b, pairs[i][1]);
		wam_name_how how;
		double s = wam_name_part_similarity(pa, pb, &how);
		if (s < 0.9)
			fail_msg("%s and %s: %.3f (%s)", pairs[i][0], pairs[i][1], s, wam_name_how_word(how));
	}
	wam_name a, b;
	wam_name_how how;
	assert_true(wam_name_part_similarity(one_part(&a, "Hasan"), one_part(&b, "Gasan"), &how) < 0.9);
	screen_index *idx = review_list();
	expect_top_from(idx, "Ihor Valentynovych Ferzenko", "f1", 0.9);
	screen_index_free(idx);
}

/* Generational suffixes (Jr., Sr., II, III, IV) are left out of
 * comparison like honorifics. */
static void test_names_generational_suffixes(void **state)
{
	(void)state;
	static const char *const suffixed[] = {"igor Ferzenko Jr.", "Igor Ferzenko, Jr", "Igor Ferzenko Sr.",
	                                       "Igor Ferzenko II",  "Igor Ferzenko III", "Igor Ferzenko Junior"};
	screen_index *idx = review_list();
	for (size_t i = 0; i < sizeof suffixed / sizeof *suffixed; i++) {
		wam_name n;
		fold(&n, suffixed[i]);
		assert_int_equal(n.ncore, 2);
		expect_top_from(idx, suffixed[i], "f1", WAM_SANCTIONS_THRESHOLD);
	}
	screen_index_free(idx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_required_equivalences),
	    cmocka_unit_test(test_names_jim_and_qaf),
	    cmocka_unit_test(test_names_compounds),
	    cmocka_unit_test(test_names_particles_and_legal_forms),
	    cmocka_unit_test(test_names_refuses_bad_input),
	    cmocka_unit_test(test_names_jaro_winkler),
	    cmocka_unit_test(test_engine_finds_across_scripts_and_orders),
	    cmocka_unit_test(test_engine_extra_parts),
	    cmocka_unit_test(test_engine_spellings_and_compounds),
	    cmocka_unit_test(test_engine_evidence),
	    cmocka_unit_test(test_engine_explains),
	    cmocka_unit_test(test_names_format_characters),
	    cmocka_unit_test(test_names_spelt_letters),
	    cmocka_unit_test(test_names_cyrillic_particles),
	    cmocka_unit_test(test_names_ukrainian),
	    cmocka_unit_test(test_names_generational_suffixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
