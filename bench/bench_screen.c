/* bench_screen: screening names against a sanctions list across scripts
 * (issue 16, must-hold 3). A seeded generator makes a list of persons
 * (Arabic names written in Arabic script with their Latin forms, Russian
 * names in Cyrillic with theirs) and entities (with legal forms), with
 * dates of birth, nationalities and aliases; then queries for listed
 * entries written another way (another transliteration, the original
 * script, parts reordered, a middle part missing, an initial, a typo, a
 * particle or legal form added or dropped) and unlisted names drawn from
 * the same pools (hard negatives). It reports recall@5, the false
 * positives on unlisted names at WAM_SANCTIONS_THRESHOLD and the
 * throughput of the engine (src/sanctions/engine.c), against a baseline in
 * the same run: plain Jaro-Winkler over the ASCII-folded full names.
 *
 *   build/bench/bench_screen [--entries 1000] [--queries 4000] [--parties 100000] [--seed 1]
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "bench.h"
#include "internal.h"
#include "sanctions/engine.h"

/* ---- name pools: the original script first, then Latin spellings ---- */

typedef struct pool_name {
	const char *orig;
	const char *latin[5];
} pool_name;

static const pool_name arabic_given[] = {
    {"محمد", {"Muhammad", "Mohammed", "Mohamed", "Mohammad", "Muhammed"}},
    {"أحمد", {"Ahmad", "Ahmed"}},
    {"علي", {"Ali", "Aly"}},
    {"حسن", {"Hasan", "Hassan"}},
    {"حسين", {"Husayn", "Hussein", "Hussain", "Husein"}},
    {"يوسف", {"Yusuf", "Youssef", "Yousef", "Yusef"}},
    {"عمر", {"Umar", "Omar"}},
    {"خالد", {"Khalid", "Khaled"}},
    {"إبراهيم", {"Ibrahim", "Ebrahim"}},
    {"مصطفى", {"Mustafa", "Mostafa", "Moustafa"}},
    {"محمود", {"Mahmud", "Mahmoud"}},
    {"سعيد", {"Said", "Saeed", "Sa'id"}},
    {"طارق", {"Tariq", "Tarek", "Tarik"}},
    {"كريم", {"Karim", "Kareem"}},
    {"ناصر", {"Nasir", "Nasser", "Naser"}},
    {"فيصل", {"Faisal", "Faysal", "Feisal"}},
    {"صالح", {"Salih", "Saleh"}},
    {"رشيد", {"Rashid", "Rasheed", "Rachid"}},
    {"منصور", {"Mansur", "Mansour"}},
    {"زياد", {"Ziyad", "Ziad"}},
    {"وليد", {"Walid", "Waleed"}},
    {"هشام", {"Hisham", "Hesham", "Hicham"}},
    {"سليمان", {"Sulayman", "Suleiman", "Soliman"}},
    {"عادل", {"Adil", "Adel"}},
    {"حمزة", {"Hamza", "Hamzah"}},
    {"بلال", {"Bilal", "Belal"}},
    {"أسامة", {"Usama", "Osama", "Oussama"}},
    {"عيسى", {"Isa", "Issa"}},
    {"موسى", {"Musa", "Moussa"}},
    {"ياسر", {"Yasir", "Yasser"}},
    {"نبيل", {"Nabil", "Nabeel"}},
    {"سامي", {"Sami", "Samy"}},
    {"فاطمة", {"Fatima", "Fatma", "Fatimah"}},
    {"عائشة", {"Aisha", "Aicha", "Ayesha"}},
    {"زينب", {"Zaynab", "Zainab", "Zeinab"}},
    {"عبدالله", {"Abdullah", "Abdallah", "Abdulla"}},
    {"جمعة", {"Jumaa", "Juma", "Jomaa"}},
    {"معمر", {"Muammar", "Moammar", "Mu'ammar"}},
    {"سيف", {"Saif", "Sayf", "Seif"}},
    {"أنور", {"Anwar", "Anouar"}},
    /* ج written g, j or dj; ق written q, k or g */
    {"جمال", {"Jamal", "Gamal", "Djamal", "Jamaal"}},
    {"جعفر", {"Ja'far", "Gaafar", "Djafar", "Jafar"}},
    {"قاسم", {"Qasim", "Kasim", "Gasim", "Qassem"}},
    {"قادر", {"Qadir", "Kader", "Gadir", "Qader"}},
    /* compounds: one name in one, two or three words */
    {"عبد الرحمن", {"Abd al-Rahman", "Abdulrahman", "Abdel Rahman", "Abdurrahman", "Abd ar-Rahman"}},
    {"عبد العزيز", {"Abd al-Aziz", "Abdelaziz", "Abdul Aziz", "Abdulaziz"}},
    {"عبد الكريم", {"Abd al-Karim", "Abdelkarim", "Abdul Karim", "Abdoul Karim"}},
    {"نصر الدين", {"Nasr al-Din", "Nasreddin", "Nasruddin", "Nasr ad-Din"}},
    {"صلاح الدين", {"Salah al-Din", "Salahuddin", "Salah Eddine", "Salaheddin"}},
};
/* The first of the pool's names spelt with g, j or dj / q, k or g, and
 * the first compound. */
#define JIM_QAF_FIRST 40
#define COMPOUND_FIRST 44

static const pool_name arabic_family[] = {
    {"القذافي", {"al-Qadhafi", "Gaddafi", "Kadhafi", "al-Qathafi", "Qaddafi"}},
    {"الزاوي", {"al-Zawi", "Zawi", "el-Zaoui"}},
    {"الحسني", {"al-Hasani", "Hassani", "el-Hassani"}},
    {"البغدادي", {"al-Baghdadi", "Baghdadi", "el-Baghdadi"}},
    {"المصري", {"al-Masri", "el-Masry", "Masri"}},
    {"التكريتي", {"al-Tikriti", "Tikriti"}},
    {"الشامي", {"al-Shami", "ash-Shami", "Chami"}},
    {"الهاشمي", {"al-Hashimi", "Hachemi", "Hashemi"}},
    {"العبيدي", {"al-Ubaydi", "Obeidi", "al-Obaidi"}},
    {"الجبوري", {"al-Jaburi", "Jabouri", "al-Jubouri"}},
    {"الدليمي", {"al-Dulaymi", "Dulaimi", "el-Doulaimi"}},
    {"الأنصاري", {"al-Ansari", "Ansari", "el-Ansary"}},
    {"الكبيسي", {"al-Kubaysi", "Kubaisi", "al-Koubaissi"}},
    {"السوداني", {"al-Sudani", "Soudani", "as-Sudani"}},
    {"الطرابلسي", {"al-Tarabulsi", "Trabelsi", "Tarabulsi"}},
    {"المقرحي", {"al-Maqrahi", "Megrahi", "al-Megrahi"}},
    {"الزرقاوي", {"al-Zarqawi", "Zarkawi", "az-Zarqaoui"}},
    {"العولقي", {"al-Awlaqi", "Awlaki", "al-Aulaqi"}},
    {"الشهري", {"al-Shihri", "Shehri", "ash-Shahri"}},
    {"القحطاني", {"al-Qahtani", "Kahtani", "al-Gahtani"}},
    {"الحوثي", {"al-Huthi", "Houthi", "al-Hoothi"}},
    {"السنوسي", {"al-Sanusi", "Senussi", "Snoussi"}},
    {"بلحاج", {"Belhadj", "Belhaj", "Bilhajj"}},
    {"دبيبة", {"Dbeibah", "Dbeiba", "Dubaybah"}},
    {"حفتر", {"Haftar", "Hifter", "Hiftar"}},
    {"الرفاعي", {"al-Rifai", "Refaie", "al-Rifaey"}},
    {"الخطيب", {"al-Khatib", "Khateeb", "el-Khatib"}},
    {"النعيمي", {"al-Nuaimi", "Naimi", "an-Nuaymi"}},
    {"العمري", {"al-Umari", "Omari", "el-Omary"}},
    {"الفاسي", {"al-Fasi", "Fassi", "el-Fassi"}},
    {"المهدي", {"al-Mahdi", "Mehdi", "el-Mahdy"}},
    {"الكردي", {"al-Kurdi", "Kurdi", "el-Kordi"}},
    {"الشريف", {"al-Sharif", "Cherif", "ash-Sharif"}},
    {"البرغوثي", {"al-Barghuthi", "Barghouti", "Barghouthi"}},
    {"الحلبي", {"al-Halabi", "Halabi", "el-Halaby"}},
    {"الطائي", {"al-Tai", "Tayi", "at-Taie"}},
    {"الجزائري", {"al-Jazairi", "Djazairi", "el-Jazaery"}},
    {"العطار", {"al-Attar", "Attar", "el-Attar"}},
    {"الصباغ", {"al-Sabbagh", "Sabbag", "as-Sabagh"}},
    {"الزين", {"al-Zayn", "Zein", "el-Zine"}},
};

static const pool_name russian_given[] = {
    {"Александр", {"Aleksandr", "Alexander", "Aleksander", "Alexandre"}},
    {"Сергей", {"Sergei", "Sergey", "Serguei", "Sergej"}},
    {"Дмитрий", {"Dmitry", "Dmitri", "Dmitriy", "Dmitrij"}},
    {"Андрей", {"Andrei", "Andrey", "Andrej"}},
    {"Алексей", {"Aleksei", "Alexey", "Aleksey", "Alexei"}},
    {"Владимир", {"Vladimir", "Wladimir"}},
    {"Николай", {"Nikolai", "Nikolay", "Nicolai"}},
    {"Михаил", {"Mikhail", "Michail", "Mikhael"}},
    {"Евгений", {"Yevgeny", "Evgeni", "Evgeniy", "Jewgeni"}},
    {"Юрий", {"Yuri", "Yury", "Iurii", "Jurij"}},
    {"Виктор", {"Viktor", "Victor"}},
    {"Игорь", {"Igor", "Ihor"}},
    {"Олег", {"Oleg", "Olegh"}},
    {"Павел", {"Pavel", "Pawel"}},
    {"Григорий", {"Grigory", "Grigori", "Grigoriy"}},
    {"Вячеслав", {"Vyacheslav", "Viacheslav", "Wjatscheslaw"}},
    {"Анатолий", {"Anatoly", "Anatoli", "Anatoliy"}},
    {"Геннадий", {"Gennady", "Gennadi", "Gennadiy"}},
    {"Ольга", {"Olga", "Ol'ga"}},
    {"Татьяна", {"Tatyana", "Tatiana", "Tatjana"}},
};

static const pool_name russian_patronymic[] = {
    {"Александрович", {"Aleksandrovich", "Alexandrovich", "Aleksandrovitch"}},
    {"Сергеевич", {"Sergeyevich", "Sergeevich", "Sergejewitsch"}},
    {"Викторович", {"Viktorovich", "Victorovich"}},
    {"Иванович", {"Ivanovich", "Ivanovitch"}},
    {"Петрович", {"Petrovich", "Petrovitch"}},
    {"Николаевич", {"Nikolayevich", "Nikolaevich"}},
    {"Владимирович", {"Vladimirovich", "Wladimirowitsch"}},
    {"Юрьевич", {"Yuryevich", "Yurievich", "Iur'evich"}},
    {"Михайлович", {"Mikhailovich", "Mikhaylovich"}},
    {"Андреевич", {"Andreyevich", "Andreevich"}},
    {"Олегович", {"Olegovich", "Olegovitch"}},
    {"Григорьевич", {"Grigoryevich", "Grigorievich"}},
};

static const pool_name russian_family[] = {
    {"Иванов", {"Ivanov", "Ivanoff"}},
    {"Петров", {"Petrov", "Petroff"}},
    {"Смирнов", {"Smirnov", "Smirnoff"}},
    {"Кузнецов", {"Kuznetsov", "Kouznetsov", "Kuznecov"}},
    {"Соколов", {"Sokolov", "Sokoloff"}},
    {"Лебедев", {"Lebedev", "Lebedeff"}},
    {"Козлов", {"Kozlov", "Koslov"}},
    {"Новиков", {"Novikov", "Nowikow"}},
    {"Морозов", {"Morozov", "Morosov"}},
    {"Волков", {"Volkov", "Wolkow"}},
    {"Зайцев", {"Zaitsev", "Zaytsev", "Saizew"}},
    {"Щербаков", {"Shcherbakov", "Scherbakov", "Chtcherbakov"}},
    {"Шевченко", {"Shevchenko", "Chevtchenko", "Schewtschenko"}},
    {"Жуков", {"Zhukov", "Joukov", "Schukow"}},
    {"Хабаров", {"Khabarov", "Habarov", "Chabarow"}},
    {"Чернов", {"Chernov", "Tchernov", "Tschernow"}},
    {"Юсупов", {"Yusupov", "Iusupov", "Jussupow"}},
    {"Яковлев", {"Yakovlev", "Iakovlev", "Jakowlew"}},
    {"Ершов", {"Yershov", "Ershov"}},
    {"Кадыров", {"Kadyrov", "Kadirov"}},
    {"Ковалёв", {"Kovalyov", "Kovalev", "Kowaljow"}},
    {"Фёдоров", {"Fyodorov", "Fedorov", "Fiodorov"}},
    {"Григорьев", {"Grigoryev", "Grigoriev"}},
    {"Соловьёв", {"Solovyov", "Soloviev", "Solovyev"}},
    {"Тимошенко", {"Timoshenko", "Tymoshenko"}},
    {"Белоусов", {"Belousov", "Byelousov"}},
    {"Гурьев", {"Guryev", "Guriev"}},
    {"Медведчук", {"Medvedchuk", "Medvedtchouk"}},
    {"Пригожин", {"Prigozhin", "Prigojine", "Prigoschin"}},
    {"Уткин", {"Utkin", "Outkine"}},
};

/* Entity words: the Latin form, and for some an Arabic or Cyrillic one. */
static const pool_name entity_words[] = {
    {"النور", {"Al-Noor", "Al-Nour", "Nur"}},
    {"الصحراء", {"Sahara", "Al-Sahra"}},
    {"الفجر", {"Al-Fajr", "Fajr"}},
    {"الأمل", {"Al-Amal", "Amal"}},
    {"الرياح", {"Al-Riyah", "Riah"}},
    {"Северный", {"Severny", "Severnyy", "Sewerny"}},
    {"Восток", {"Vostok", "Wostok"}},
    {"Звезда", {"Zvezda", "Zwezda"}},
    {"Альфа", {"Alfa", "Alpha"}},
    {"Щит", {"Shchit", "Schit"}},
    {NULL, {"Global"}},
    {NULL, {"Trading"}},
    {NULL, {"Logistics"}},
    {NULL, {"Import Export"}},
    {NULL, {"Shipping"}},
    {NULL, {"Aviation"}},
    {NULL, {"Technical Services"}},
    {NULL, {"General"}},
    {NULL, {"Industrial"}},
    {NULL, {"Maritime"}},
    {NULL, {"Falcon"}},
    {NULL, {"Orion"}},
    {NULL, {"Crescent"}},
    {NULL, {"Oasis"}},
    {NULL, {"Atlas"}},
};
static const char *const legal_forms[] = {"Ltd", "LLC", "SARL", "Company", "Establishment", "GmbH",
                                          "JSC", "Co.", "Est.", "S.A.",    "Limited",       "OOO"};
static const char *const nationalities[] = {"LY", "IQ", "SY", "YE", "SD", "SO", "AF", "RU", "BY", "UA", "LB", "TN"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- a seeded generator ---- */

static unsigned long long rng_state;
static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static int nlatin(const pool_name *p)
{
	int n = 0;
	while (n < 5 && p->latin[n])
		n++;
	return n;
}

/* A person or entity as chosen parts: pool and index per part. */
typedef struct person {
	int kind; /* 0 Arabic person, 1 Russian person, 2 entity */
	int part[4];
	int nparts;
	int legal;
	int y, m, d;
	const char *nat;
	char doc[16];
} person;

static const pool_name *pool_of(const person *p, int i)
{
	if (p->kind == 0)
		return i == p->nparts - 1 ? &arabic_family[p->part[i]] : &arabic_given[p->part[i]];
	if (p->kind == 1)
		return i == 0   ? &russian_given[p->part[i]]
		       : i == 1 ? &russian_patronymic[p->part[i]]
		                : &russian_family[p->part[i]];
	return &entity_words[p->part[i]];
}

static void random_person(person *p)
{
	memset(p, 0, sizeof *p);
	unsigned r = rnd(100);
	p->kind = r < 60 ? 0 : r < 85 ? 1 : 2;
	if (p->kind == 0) {
		p->nparts = 2 + (int)rnd(2) + (rnd(4) == 0); /* given, father's, (grandfather's), family */
		if (p->nparts > 4)
			p->nparts = 4;
		for (int i = 0; i < p->nparts - 1; i++)
			p->part[i] = (int)rnd(N(arabic_given));
		p->part[p->nparts - 1] = (int)rnd(N(arabic_family));
	} else if (p->kind == 1) {
		p->nparts = 3;
		p->part[0] = (int)rnd(N(russian_given));
		p->part[1] = (int)rnd(N(russian_patronymic));
		p->part[2] = (int)rnd(N(russian_family));
	} else {
		p->nparts = 2 + (int)rnd(2);
		for (int i = 0; i < p->nparts; i++)
			p->part[i] = (int)rnd(N(entity_words));
		p->legal = (int)rnd(N(legal_forms));
	}
	p->y = 1940 + (int)rnd(60);
	p->m = 1 + (int)rnd(12);
	p->d = 1 + (int)rnd(28);
	p->nat = p->kind == 1 ? nationalities[7 + rnd(3)] : nationalities[rnd(N(nationalities))];
	snprintf(p->doc, sizeof p->doc, "%c%07u", 'A' + rnd(26), rnd(10000000));
}

static int cmp_part(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The same parts in any order: the same name to a screener. */
static bool same_person(const person *a, const person *b)
{
	if (a->kind != b->kind || a->nparts != b->nparts)
		return false;
	int x[4], y[4];
	for (int i = 0; i < a->nparts; i++) {
		x[i] = a->part[i] + (a->kind == 0 && i == a->nparts - 1 ? 1000 : 0);
		y[i] = b->part[i] + (b->kind == 0 && i == b->nparts - 1 ? 1000 : 0);
	}
	qsort(x, (size_t)a->nparts, sizeof *x, cmp_part);
	qsort(y, (size_t)b->nparts, sizeof *y, cmp_part);
	return !memcmp(x, y, (size_t)a->nparts * sizeof *x);
}

/* Writes the name with Latin spelling `variant` of each part (the first
 * spelling when a part has fewer), or in the original script (-1). */
static void name_of(const person *p, char *out, size_t cap, int variant, const int *order, int skip, int initial)
{
	size_t len = 0;
	out[0] = '\0';
	if (p->kind == 2 && variant == -1 && p->legal == 11)
		len += (size_t)snprintf(out + len, cap - len, "ООО ");
	for (int k = 0; k < p->nparts; k++) {
		int i = order ? order[k] : k;
		if (i == skip)
			continue;
		const pool_name *pn = pool_of(p, i);
		int n = nlatin(pn);
		const char *s = variant == -1 && pn->orig ? pn->orig : pn->latin[variant < 0 ? 0 : variant % n];
		if (i == initial && variant != -1)
			len += (size_t)snprintf(out + len, cap - len, "%s%c.", len ? " " : "", s[0]);
		else
			len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? " " : "", s);
		if (len >= cap)
			len = cap - 1;
	}
	if (p->kind == 2 && !(variant == -1 && p->legal == 11))
		snprintf(out + len, cap - len, " %s", legal_forms[p->legal]);
}

/* One's words all among the other's. */
static bool words_within(const person *a, const person *b)
{
	for (int i = 0; i < a->nparts; i++) {
		bool in = false;
		for (int j = 0; j < b->nparts && !in; j++)
			in = a->part[i] == b->part[j];
		if (!in)
			return false;
	}
	return true;
}

/* A name a screener must stop: the same parts in any order, or the
 * listed person's given and family names (the list has that alias), or
 * all of an entity's words, or an entity's words all in the name.
 * Unlisted names are none of these. */
static bool consistent(const person *a, const person *b)
{
	if (same_person(a, b))
		return true;
	if (a->kind != b->kind)
		return false;
	if (a->kind != 2)
		return a->part[0] == b->part[0] && a->part[a->nparts - 1] == b->part[b->nparts - 1];
	return words_within(a, b) || words_within(b, a);
}

static json_t *entry_json(const person *p, int id)
{
	char name[256], orig[256], alias[256], ref[32], idbuf[32], date[16];
	name_of(p, name, sizeof name, 0, NULL, -1, -1);
	name_of(p, orig, sizeof orig, -1, NULL, -1, -1);
	snprintf(ref, sizeof ref, "%s%c.%03d", p->kind == 1 ? "RU" : "LY", p->kind == 2 ? 'e' : 'i', id % 1000);
	snprintf(idbuf, sizeof idbuf, "E%05d", id);
	snprintf(date, sizeof date, "%04d-%02d-%02d", p->y, p->m, p->d);
	json_t *names = json_array();
	if (strcmp(orig, name))
		json_array_append_new(names, json_pack("{s:s, s:s, s:s}", "name", orig, "quality", "good", "script",
		                                       p->kind == 1 ? "cyrillic" : "arabic"));
	/* A good alias spelt the second way; a low one with the given name and
	 * the family name only. */
	name_of(p, alias, sizeof alias, 1, NULL, -1, -1);
	json_array_append_new(names, json_pack("{s:s, s:s, s:s}", "name", alias, "quality", "good", "script", "latin"));
	if (p->kind != 2 && p->nparts > 2) {
		name_of(p, alias, sizeof alias, 2, NULL, 1, -1);
		json_array_append_new(names,
		                      json_pack("{s:s, s:s, s:s}", "name", alias, "quality", "low", "script", "latin"));
	}
	json_t *dobs = json_array();
	if (p->kind != 2) {
		if (rnd(4))
			json_array_append_new(dobs, json_pack("{s:s, s:s}", "kind", "exact", "date", date));
		else
			json_array_append_new(dobs, json_pack("{s:s, s:i}", "kind", "approximately", "year", p->y));
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:[s], s:[{s:s, s:s}], s:s, s:s}", "id", idbuf, "reference",
	                 ref, "kind", p->kind == 2 ? "entity" : "individual", "name", name, "names", names, "dobs",
	                 dobs, "nationalities", p->nat, "documents", "type", "passport", "number", p->doc, "list_type",
	                 p->kind == 1 ? "Ukraine" : "Libya", "regime", p->kind == 1 ? "ua" : "ly");
}

/* One typo in a Latin name: a letter substituted, left out, doubled or
 * swapped with the next (not in the first letter, as readers rarely
 * miss it). */
static void typo(char *s)
{
	size_t n = strlen(s);
	if (n < 4)
		return;
	size_t i = 1 + rnd((unsigned)(n - 2));
	if (!isalpha((unsigned char)s[i]) || !isalpha((unsigned char)s[i + 1]))
		return;
	switch (rnd(4)) {
	case 0:
		s[i] = (char)('a' + rnd(26));
		break;
	case 1:
		memmove(s + i, s + i + 1, n - i);
		break;
	case 2:
		if (s[i + 1] != ' ') {
			char t = s[i];
			s[i] = s[i + 1];
			s[i + 1] = t;
		}
		break;
	default:
		memmove(s + i + 1, s + i, n - i + 1);
		break;
	}
}

static const char *const how_names[] = {
    "other spelling",     "original script",    "reordered",          "middle part missing",
    "initial",            "typo",               "particle/honorific", "legal form changed",
    "extra part",         "g/j/dj, q/k/g",      "compound (abd, din)"};
#define NHOW 11

/* Whether an Arabic person has a given name of the pool from `first` to
 * `last` (excluded). */
static bool has_given(const person *p, int first, int last)
{
	for (int i = 0; p->kind == 0 && i < p->nparts - 1; i++)
		if (p->part[i] >= first && p->part[i] < last)
			return true;
	return false;
}

/* A query for listed person `p`, written `how`. */
static void listed_query(const person *p, char *q, size_t cap, int how)
{
	int order[4], nv = 3 + (int)rnd(3);
	switch (how) {
	case 0:
		name_of(p, q, cap, 1 + (int)rnd(4), NULL, -1, -1);
		break;
	case 1:
		name_of(p, q, cap, -1, NULL, -1, -1);
		break;
	case 2: /* family name first */
		order[0] = p->nparts - 1;
		for (int i = 0; i < p->nparts - 1; i++)
			order[i + 1] = i;
		name_of(p, q, cap, nv, order, -1, -1);
		break;
	case 3:
		name_of(p, q, cap, nv, NULL, p->nparts > 2 ? 1 : -1, -1);
		break;
	case 4:
		name_of(p, q, cap, nv, NULL, -1, p->kind == 2 ? -1 : 0);
		break;
	case 5:
		name_of(p, q, cap, nv, NULL, -1, -1);
		typo(q);
		break;
	case 6: {
		char tmp[256];
		name_of(p, tmp, sizeof tmp, nv, NULL, -1, -1);
		static const char *const pre[] = {"Sheikh ", "Haji ", "Mr ", "Dr. ", "al-Hajj "};
		snprintf(q, cap, "%s%s", p->kind == 2 ? "The " : pre[rnd(N(pre))], tmp);
		break;
	}
	case 8: { /* a father's name after the given name, a tribal name at the end, or both */
		char tmp[256];
		int extra = (int)rnd(3), fam = (int)rnd(N(arabic_family));
		if (fam == p->part[p->nparts - 1])
			fam = (fam + 1) % (int)N(arabic_family);
		const pool_name *father = &arabic_given[rnd(JIM_QAF_FIRST)];
		const pool_name *tribe = &arabic_family[fam];
		name_of(p, tmp, sizeof tmp, nv, NULL, -1, -1);
		if (extra != 1) { /* rewrite with the father's name second */
			size_t cut = strcspn(tmp, " ");
			snprintf(q, cap, "%.*s %s%s", (int)cut, tmp, father->latin[rnd((unsigned)nlatin(father))],
			         tmp + cut);
		} else {
			snprintf(q, cap, "%s", tmp);
		}
		if (extra != 0) {
			snprintf(tmp, sizeof tmp, "%s", q);
			snprintf(q, cap, "%s %s", tmp, tribe->latin[rnd((unsigned)nlatin(tribe))]);
		}
		break;
	}
	case 9:
	case 10: /* a name of the family, spelt another way */
		name_of(p, q, cap, 1 + (int)rnd(4), NULL, -1, -1);
		break;
	default: {
		person e = *p;
		e.legal = (p->legal + 1 + (int)rnd(N(legal_forms) - 2)) % (int)N(legal_forms);
		name_of(&e, q, cap, nv, NULL, -1, -1);
		break;
	}
	}
}

/* ---- the baseline: Jaro-Winkler over ASCII-folded full names ---- */

static void ascii_fold(const char *s, char *out, size_t cap)
{
	utf8proc_uint8_t *m = NULL;
	size_t k = 0;
	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
	                 UTF8PROC_NULLTERM | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
	                     UTF8PROC_STRIPMARK) >= 0)
		for (const utf8proc_uint8_t *p = m; *p && k + 1 < cap; p++)
			if ((*p >= 'a' && *p <= 'z') || (*p == ' ' && k && out[k - 1] != ' '))
				out[k++] = (char)*p;
	out[k] = '\0';
	free(m);
}

typedef struct base_name {
	char folded[128];
	int entry;
} base_name;

static int baseline(const base_name *names, int nnames, int nentries, const char *query, double threshold, int want,
                    int *rank_of_want)
{
	char q[128];
	ascii_fold(query, q, sizeof q);
	double *best = calloc((size_t)nentries, sizeof *best);
	for (int i = 0; i < nnames; i++) {
		double s = wam_jaro_winkler(q, names[i].folded);
		if (s > best[names[i].entry])
			best[names[i].entry] = s;
	}
	int above = 0, rank = 1;
	for (int e = 0; e < nentries; e++) {
		above += best[e] >= threshold;
		if (want >= 0 && e != want && (best[e] > best[want] || (best[e] == best[want] && e < want)))
			rank++;
	}
	if (rank_of_want)
		*rank_of_want = want >= 0 && best[want] > 0 ? rank : 1 << 30;
	free(best);
	return above;
}

/* ---- main ---- */

static long opt(int argc, char **argv, const char *name, long def)
{
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], name)) {
			long v;
			if (bench_parse_count(argv[i + 1], 1, 100000000, &v)) {
				fprintf(stderr, "%s: not a count: %s\n", name, argv[i + 1]);
				exit(2);
			}
			return v;
		}
	return def;
}

static int find_candidate(const json_t *cands, const char *id)
{
	size_t i;
	json_t *c;
	json_array_foreach(cands, i, c)
	{
		if (!strcmp(json_string_value(json_object_get(json_object_get(c, "entry"), "id")), id))
			return (int)i + 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long nentries = opt(argc, argv, "--entries", 1000), nqueries = opt(argc, argv, "--queries", 4000),
	     nparties = opt(argc, argv, "--parties", 100000), seed = opt(argc, argv, "--seed", 1);
	rng_state = 0x9E3779B97F4A7C15ULL ^ (unsigned long long)seed * 0x2545F4914F6CDD1DULL;
	person *list = calloc((size_t)nentries, sizeof *list);
	screen_index *idx;
	if (screen_index_new(&idx)) {
		fprintf(stderr, "bench_screen: %s (set WAM_DATA_DIR)\n", wam_error_last()->message);
		return 1;
	}
	base_name *bnames = calloc((size_t)nentries * 6, sizeof *bnames);
	int nb = 0;
	for (long i = 0; i < nentries; i++) {
		bool dup;
		do {
			random_person(&list[i]);
			dup = false;
			for (long j = 0; j < i && !dup; j++)
				dup = same_person(&list[i], &list[j]);
		} while (dup);
		json_t *e = entry_json(&list[i], (int)i);
		if (screen_index_add(idx, e)) {
			fprintf(stderr, "bench_screen: %s\n", wam_error_last()->message);
			return 1;
		}
		ascii_fold(json_string_value(json_object_get(e, "name")), bnames[nb].folded, sizeof bnames[nb].folded);
		bnames[nb++].entry = (int)i;
		size_t k;
		json_t *n;
		json_array_foreach(json_object_get(e, "names"), k, n)
		{
			ascii_fold(json_string_value(json_object_get(n, "name")), bnames[nb].folded,
			           sizeof bnames[nb].folded);
			bnames[nb++].entry = (int)i;
		}
		json_decref(e);
	}

	/* Recall@5: listed names written another way, with no date of birth
	 * or nationality (the name alone must find them). */
	long hit[NHOW] = {0}, tried[NHOW] = {0}, bhit[NHOW] = {0}, hit_at[NHOW] = {0}, hit_total = 0, bhit_total = 0,
	     hit_at_total = 0;
	char q[512], idbuf[32];
	int misses_shown = 0;
	for (long i = 0; i < nqueries; i++) {
		int e = (int)rnd((unsigned)nentries), how = (int)(i % NHOW);
		if (how == 7 && list[e].kind != 2)
			how = (int)rnd(7);
		if (how == 8 && list[e].kind != 0)
			how = (int)rnd(7);
		if (how == 9 || how == 10) { /* the next entry with such a name */
			int first = how == 9 ? JIM_QAF_FIRST : COMPOUND_FIRST,
			    last = how == 9 ? COMPOUND_FIRST : (int)N(arabic_given);
			for (long k = 0; k < nentries && !has_given(&list[e], first, last); k++)
				e = (e + 1) % (int)nentries;
		}
		listed_query(&list[e], q, sizeof q, how);
		wam_sanctions_query sq = {.name = q, .threshold = 1e-9, .limit = 5};
		json_t *c;
		if (screen_run(idx, &c, &sq)) {
			fprintf(stderr, "bench_screen: %s: %s\n", q, wam_error_last()->message);
			return 1;
		}
		snprintf(idbuf, sizeof idbuf, "E%05d", e);
		int r = find_candidate(c, idbuf);
		tried[how]++;
		if (r)
			hit[how]++, hit_total++;
		if (r && json_real_value(json_object_get(json_array_get(c, (size_t)r - 1), "score")) >=
		             WAM_SANCTIONS_THRESHOLD)
			hit_at[how]++, hit_at_total++;
		else if (misses_shown < 12 && getenv("BENCH_SHOW_MISSES")) {
			char nm[256];
			name_of(&list[e], nm, sizeof nm, 0, NULL, -1, -1);
			fprintf(stderr, "miss (%s): %s  [listed: %s]\n", how_names[how], q, nm);
			misses_shown++;
		}
		json_decref(c);
		int brank;
		baseline(bnames, nb, (int)nentries, q, 0.8, e, &brank);
		if (brank <= 5)
			bhit[how]++, bhit_total++;
	}

	/* False positives: unlisted names from the same pools, half with a
	 * date of birth and nationality (as a party record usually has). */
	long nneg = nqueries, fp = 0, fp_name_only = 0, bfp = 0, neg_name_only = 0;
	misses_shown = 0;
	for (long i = 0; i < nneg; i++) {
		person p;
		bool listed;
		do {
			random_person(&p);
			listed = false;
			for (long j = 0; j < nentries && !listed; j++)
				listed = consistent(&p, &list[j]);
		} while (listed);
		name_of(&p, q, sizeof q, rnd(4) == 0 ? -1 : (int)rnd(5), NULL, -1, -1);
		char dob[16];
		snprintf(dob, sizeof dob, "%04d-%02d-%02d", p.y, p.m, p.d);
		bool with_facts = i % 2 == 1 && p.kind != 2;
		wam_sanctions_query sq = {.name = q,
		                          .dob = with_facts ? dob : NULL,
		                          .nationality = with_facts ? p.nat : NULL,
		                          .explain = getenv("BENCH_SHOW_MISSES") != NULL};
		json_t *c;
		if (screen_run(idx, &c, &sq))
			return 1;
		if (json_array_size(c)) {
			fp++;
			if (!with_facts)
				fp_name_only++;
			if (misses_shown < 12 && getenv("BENCH_SHOW_MISSES")) {
				fprintf(stderr, "false positive %s: %s ~ %s (%.3f)\n", with_facts ? "(dob)" : "", q,
				        json_string_value(json_object_get(json_array_get(c, 0), "matched_name")),
				        json_real_value(json_object_get(json_array_get(c, 0), "score")));
				misses_shown++;
				char *x =
				    json_dumps(json_object_get(json_array_get(c, 0), "explanation"), JSON_COMPACT);
				fprintf(stderr, "   %s\n", x);
				free(x);
			}
		}
		neg_name_only += !with_facts;
		json_decref(c);
		if (baseline(bnames, nb, (int)nentries, q, WAM_SANCTIONS_THRESHOLD, -1, NULL))
			bfp++;
	}

	/* Throughput: parties screened at the default threshold, the answers
	 * built as JSON; 1 in 10 a listed name written another way. */
	char(*parties)[160] = malloc((size_t)nparties * sizeof *parties);
	for (long i = 0; i < nparties; i++) {
		if (i % 10 == 0) {
			listed_query(&list[rnd((unsigned)nentries)], parties[i], sizeof parties[i], (int)rnd(7));
		} else {
			person p;
			random_person(&p);
			name_of(&p, parties[i], sizeof parties[i], rnd(4) == 0 ? -1 : (int)rnd(5), NULL, -1, -1);
		}
	}
	struct timespec c0, c1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	double t0 = bench_now();
	long found = 0;
	for (long i = 0; i < nparties; i++) {
		wam_sanctions_query sq = {.name = parties[i]};
		json_t *c;
		if (screen_run(idx, &c, &sq))
			return 1;
		found += (long)json_array_size(c);
		json_decref(c);
	}
	double wall = bench_now() - t0;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	double secs = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
	long nbase = nparties < 2000 ? nparties : 2000;
	t0 = bench_now();
	for (long i = 0; i < nbase; i++)
		baseline(bnames, nb, (int)nentries, parties[i], WAM_SANCTIONS_THRESHOLD, -1, NULL);
	double bsecs = (bench_now() - t0) * (double)nparties / (double)nbase;

	printf("bench_screen: %ld entries (%d names), seed %ld, threshold %.2f\n\n", nentries, nb, seed,
	       WAM_SANCTIONS_THRESHOLD);
	printf("%-34s %12s %12s %12s\n", "recall@5 (listed, written another way)", "wam", "baseline",
	       "wam >= thr.");
	for (int h = 0; h < NHOW; h++)
		if (tried[h])
			printf("  %-32s %11.1f%% %11.1f%% %11.1f%%   (%ld queries)\n", how_names[h],
			       100.0 * hit[h] / tried[h], 100.0 * bhit[h] / tried[h], 100.0 * hit_at[h] / tried[h],
			       tried[h]);
	printf("  %-32s %11.2f%% %11.2f%% %11.2f%%   (%ld queries; aim >= 99%%)\n", "all",
	       100.0 * hit_total / nqueries, 100.0 * bhit_total / nqueries, 100.0 * hit_at_total / nqueries,
	       nqueries);
	printf("%-34s %11.2f%% %11.2f%%   (%ld unlisted names; aim <= 1%%)\n", "false positives at threshold",
	       100.0 * fp / nneg, 100.0 * bfp / nneg, nneg);
	printf("  %-32s %11.2f%% %12s   (%ld of them)\n", "on the name alone", 100.0 * fp_name_only / neg_name_only, "",
	       neg_name_only);
	printf("  %-32s %11.2f%% %12s   (%ld of them)\n", "with date of birth, nationality",
	       100.0 * (fp - fp_name_only) / (nneg - neg_name_only), "", nneg - neg_name_only);
	printf("%-34s %11.2fs %11.2fs   (%ld parties, %ld candidates; aim < 10 s; baseline timed on %ld)\n",
	       "time to screen the parties", secs, bsecs, nparties, found, nbase);
	printf("%-34s %12.0f %12.0f   (CPU time of this process, one thread; wall %.2f s)\n", "parties per second",
	       nparties / secs, nparties / bsecs, wall);
	screen_index_free(idx);
	free(parties);
	free(bnames);
	free(list);
	return 0;
}
