/* Output for people and for scripts: tables that line up in any script
 * (display widths from utf8proc, so CJK and Arabic cells align), stable
 * JSON, errors and a progress bar. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <utf8proc.h>

#include "cli.h"

void cli_print_json(const json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY);
	putchar('\n');
}

json_t *cli_read_json(const cli_env *env, const char *from, int *rc)
{
	json_error_t err;
	FILE *f = !strcmp(from, "-") ? stdin : fopen(from, "rb");
	if (!f) {
		wam_error_set(WAM_EIO, "from", "cannot read %s", from);
		*rc = cli_fail(env, WAM_EIO);
		return NULL;
	}
	json_t *j = json_loadf(f, 0, &err);
	if (f != stdin)
		fclose(f);
	if (!j) {
		wam_error_set(WAM_EINVAL, "from", "%s is not valid JSON: %s (line %d, column %d)", from, err.text,
		              err.line, err.column);
		*rc = cli_fail(env, WAM_EINVAL);
	}
	return j;
}

json_t *cli_read_body(const cli_env *env, const cli_args *a, const char *what, int *rc)
{
	const char *from = cli_opt(a, "from") ? cli_opt(a, "from") : cli_opt(a, "file");
	json_t *in = from ? cli_read_json(env, from, rc) : json_object();
	if (in && !json_is_object(in)) {
		json_decref(in);
		wam_error_set(WAM_EINVAL, "from", "%s must hold one JSON object (%s)", from, what);
		*rc = cli_fail(env, WAM_EINVAL);
		return NULL;
	}
	return in;
}

const char *cli_text(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

void cli_set_opt(json_t *o, const cli_args *a, const char *opt, const char *path)
{
	const char *v = cli_opt(a, opt), *dot;
	if (!v)
		return;
	while ((dot = strchr(path, '.'))) {
		char key[64];
		snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
		json_t *next = json_object_get(o, key);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(o, key, next);
		}
		o = next;
		path = dot + 1;
	}
	json_object_set_new(o, path, json_string(v));
}

int cli_fail(const cli_env *env, int rc)
{
	const wam_error *e = wam_error_last();
	if (env && env->json) {
		json_t *o = json_pack("{s:{s:s, s:s, s:s}}", "error", "code", wam_error_name(rc), "message", e->message,
		                      "field", e->field);
		if (e->line)
			json_object_set_new(json_object_get(o, "error"), "line", json_integer(e->line));
		char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		fprintf(stderr, "%s\n", s);
		free(s);
		json_decref(o);
	} else {
		fprintf(stderr, "wam: %s", e->message[0] ? e->message : wam_error_name(rc));
		/* a message that begins with its line says it once */
		char said[32];
		snprintf(said, sizeof said, "line %ld:", e->line);
		if (e->line && strncmp(e->message, said, strlen(said)) != 0)
			fprintf(stderr, " (line %ld)", e->line);
		if (e->field[0])
			fprintf(stderr, " [field: %s]", e->field);
		fputc('\n', stderr);
	}
	return wam_error_exit_code(rc);
}

int cli_usage(const cli_env *env, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	wam_error_set(WAM_EINVAL, "", "%s", msg);
	return cli_fail(env, WAM_EINVAL);
}

/* Display width of UTF-8 text, and the byte length of its longest prefix
 * that fits in `max` columns. */
static int width(const char *s, int max, size_t *fit)
{
	int w = 0;
	size_t i = 0, len = strlen(s);
	*fit = len;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k =
		    utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (k <= 0) {
			k = 1;
			cp = '?';
		}
		int cw = utf8proc_charwidth(cp);
		if (cw < 0)
			cw = 0;
		if (max && w + cw > max) {
			*fit = i;
			return w;
		}
		w += cw;
		i += (size_t)k;
	}
	return w;
}

static char *cell(const json_t *row, const char *key)
{
	const json_t *v = json_object_get(row, key);
	char buf[64];
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_integer(v)) {
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
		return strdup(buf);
	}
	if (json_is_real(v)) {
		snprintf(buf, sizeof buf, "%.6g", json_real_value(v));
		return strdup(buf);
	}
	if (json_is_true(v))
		return strdup("yes");
	if (json_is_false(v))
		return strdup("no");
	if (json_is_array(v) || json_is_object(v))
		return json_dumps(v, JSON_COMPACT);
	return strdup("");
}

static void put_cell(const char *s, int max, int pad, bool last)
{
	size_t fit;
	int w = width(s, max, &fit);
	bool cut = fit < strlen(s);
	if (cut) {
		size_t f2;
		w = width(s, max - 1, &f2);
		fwrite(s, 1, f2, stdout);
		fputs("…", stdout);
		w++;
	} else {
		fputs(s, stdout);
	}
	if (!last)
		for (int i = w; i < pad + 2; i++)
			putchar(' ');
}

void cli_print_table(const cli_column *cols, const json_t *rows)
{
	int n = 0;
	while (cols[n].title)
		n++;
	int *w = calloc((size_t)n, sizeof *w);
	size_t fit;
	for (int c = 0; c < n; c++)
		w[c] = width(cols[c].title, 0, &fit);
	size_t r;
	const json_t *row;
	json_array_foreach(rows, r, row)
	{
		for (int c = 0; c < n; c++) {
			char *s = cell(row, cols[c].key);
			int cw = width(s, cols[c].max, &fit);
			if (cols[c].max && fit < strlen(s))
				cw = cols[c].max;
			if (cw > w[c])
				w[c] = cw;
			free(s);
		}
	}
	for (int c = 0; c < n; c++)
		put_cell(cols[c].title, 0, w[c], c == n - 1);
	putchar('\n');
	json_array_foreach(rows, r, row)
	{
		for (int c = 0; c < n; c++) {
			char *s = cell(row, cols[c].key);
			put_cell(s, cols[c].max, w[c], c == n - 1);
			free(s);
		}
		putchar('\n');
	}
	free(w);
}

void cli_print_record(const char *const *keys, const json_t *obj)
{
	int w = 0;
	for (int i = 0; keys[i]; i++)
		if ((int)strlen(keys[i]) > w)
			w = (int)strlen(keys[i]);
	for (int i = 0; keys[i]; i++) {
		char *s = cell(obj, keys[i]);
		printf("%-*s  %s\n", w + 1, keys[i], *s ? s : "-");
		free(s);
	}
}

void cli_print_joined(int width, const char *key, ...)
{
	va_list ap;
	int n = 0;
	printf("%-*s  ", width + 1, key);
	va_start(ap, key);
	for (const char *part; (part = va_arg(ap, const char *));)
		if (*part)
			printf("%s%s", n++ ? ", " : "", part);
	va_end(ap);
	puts(n ? "" : "-");
}

/* jansson counts the allocations it could not make (wam/error.h): an answer
 * built after one failed may lack a member, and is not shown. */
static int answer_partial(void)
{
	if (!wam_error_alloc_failures())
		return 0;
	return wam_error_set(WAM_ENOMEM, NULL,
	                     "out of memory while the answer was made; a change asked for may have been made");
}

int cli_show(const cli_env *env, int rc, json_t *result, const cli_view *view)
{
	if (!rc)
		rc = answer_partial();
	if (rc)
		rc = cli_fail(env, rc);
	else if (env->json)
		cli_print_json(result);
	else if (view->print)
		view->print(result);
	else if (json_is_array(result))
		cli_print_table(view->cols, result);
	else
		cli_print_record(view->keys, result);
	json_decref(result);
	return rc;
}

int cli_run(const cli_env *env, const cli_args *a, bool write, cli_call call, json_t *in, const cli_view *view)
{
	wam_db *db;
	json_t *out = NULL;
	int rc = cli_open(env, &db, write);
	if (rc) {
		json_decref(in);
		return rc;
	}
	rc = call(db, &out, a, in);
	json_decref(in);
	rc = cli_show(env, rc, out, view);
	wam_db_close(db);
	return rc;
}

void cli_progress(long done, long total, void *payload)
{
	(void)payload;
	if (!isatty(2))
		return;
	int pct = total > 0 ? (int)(100.0 * (double)done / (double)total) : 0;
	if (pct > 100)
		pct = 100;
	char bar[41];
	int fill = pct * 40 / 100;
	for (int i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\r[%s] %3d%%", bar, pct);
	fflush(stderr);
}

void cli_progress_end(const cli_env *env)
{
	(void)env;
	if (isatty(2))
		fputs("\r\033[K", stderr);
}

/* cli.h: owner-only, through a new file beside `to` renamed over it. */
int cli_write_file(const cli_env *env, const char *to, cli_writer write, const void *ctx)
{
	if (!to) {
		int rc = write(stdout, ctx);
		if ((!rc && fflush(stdout) != 0) || rc == WAM_EIO)
			rc = wam_error_set(WAM_EIO, "out", "cannot write the standard output");
		return rc ? cli_fail(env, rc) : 0;
	}
	char tmp[4096];
	FILE *f;
	if (wam_file_create_temp(&f, tmp, sizeof tmp, to, "out"))
		return cli_fail(env, WAM_EIO);
	int rc = write(f, ctx);
	bool closed = fclose(f) == 0;
	if ((!rc && (!closed || rename(tmp, to) != 0)) || rc == WAM_EIO)
		rc = wam_error_set(WAM_EIO, "out", "cannot write %s", to);
	if (rc) {
		remove(tmp);
		return cli_fail(env, rc);
	}
	return 0;
}

/* A cli_writer of a JSON document (WAM_EIO: the caller names the file). */
static int write_json(FILE *f, const void *doc)
{
	if (json_dumpf(doc, f, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(15)) != 0)
		return WAM_EIO;
	return 0;
}

int cli_write_json(const cli_env *env, const json_t *doc, const char *to)
{
	int rc = answer_partial();
	if (rc)
		return cli_fail(env, rc);
	if (!to) {
		cli_print_json(doc);
		return 0;
	}
	return cli_write_file(env, to, write_json, doc);
}

int cli_read_file(const cli_env *env, const char *path, const char *field, char **data, size_t *len)
{
	FILE *f = !strcmp(path, "-") ? stdin : fopen(path, "rb");
	*data = NULL;
	*len = 0;
	if (!f) {
		wam_error_set(WAM_EIO, field, "cannot read %s: %s", path, strerror(errno));
		return cli_fail(env, WAM_EIO);
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (n < cap)
			break;
		char *bigger = realloc(buf, cap * 2 + 1);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	bool bad = ferror(f) != 0;
	if (f != stdin)
		fclose(f);
	if (!buf) {
		wam_error_set(WAM_ENOMEM, field, "out of memory reading %s", path);
		return cli_fail(env, WAM_ENOMEM);
	}
	if (bad) {
		free(buf);
		wam_error_set(WAM_EIO, field, "cannot read %s", path);
		return cli_fail(env, WAM_EIO);
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

int cli_opt_long(const cli_args *a, const char *opt, const char *field, long *n)
{
	const char *v = cli_opt(a, opt);
	if (!v)
		return 0;
	char *end = NULL;
	errno = 0;
	*n = strtol(v, &end, 10);
	if (end == v || *end || errno)
		return wam_error_set(WAM_EINVAL, field, "--%s takes a whole number, not '%.40s'", opt, v);
	return 0;
}

/* ---- records with words, lists, findings, bodies (cli.h) ---- */

/* Strings of an array joined by ", " into `buf`. */
static const char *joined(const json_t *list, char *buf, size_t cap)
{
	size_t i, len = 0;
	const json_t *v;
	buf[0] = '\0';
	json_array_foreach(list, i, v)
	{
		const char *s = json_is_string(v) ? json_string_value(v) : "?";
		int k = snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", s);
		if (k < 0 || (size_t)k >= cap - len)
			break;
		len += (size_t)k;
	}
	return buf;
}

/* A shallow copy of `o` whose arrays of strings are joined by ", ", for a
 * record or a table to show them as words, not as JSON. */
json_t *cli_words_joined(const json_t *o)
{
	json_t *c = json_object();
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v)
	{
		bool words = json_is_array(v);
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) if (!json_is_string(x)) words = false;
		if (words) {
			char buf[1024];
			json_object_set_new(c, k, json_string(joined(v, buf, sizeof buf)));
		} else {
			json_object_set(c, k, v);
		}
	}
	return c;
}

void cli_print_words(const char *const *keys, const json_t *o)
{
	json_t *c = cli_words_joined(o);
	cli_print_record(keys, c);
	json_decref(c);
}

void cli_print_rows(const cli_column *cols, const json_t *rows)
{
	json_t *c = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) json_array_append_new(c, cli_words_joined(r));
	cli_print_table(cols, c);
	json_decref(c);
}

/* "title (N)" and the rows, when there are any. */
void cli_print_list(const char *title, const cli_column *cols, const json_t *rows)
{
	printf("\n%s (%zu)\n", title, json_array_size(rows));
	if (json_array_size(rows))
		cli_print_rows(cols, rows);
}

/* The findings of a screening answer, one a line, indented. */
void cli_print_findings(const json_t *findings, const char *indent)
{
	size_t i;
	const json_t *f;
	json_array_foreach(findings, i, f)
	{
		const char *ref = cli_text(f, "reference");
		printf("%s%s: %s", indent, cli_text(f, "screen"), cli_text(f, "message"));
		if (*ref && !strstr(cli_text(f, "message"), ref))
			printf(" (%s)", ref);
		const json_t *alert = json_object_get(f, "alert");
		if (json_is_object(alert) && !strstr(cli_text(f, "message"), cli_text(alert, "id")))
			printf(" [alert %s, %s]", cli_text(alert, "id"), cli_text(alert, "state"));
		putchar('\n');
	}
}

json_t *cli_body(const cli_env *env, const cli_args *a, const char *what, const cli_opt_map *map, int *rc)
{
	json_t *in = cli_read_body(env, a, what, rc);
	if (!in)
		return NULL;
	for (; map && map->opt; map++)
		cli_set_opt(in, a, map->opt, map->path);
	return in;
}
