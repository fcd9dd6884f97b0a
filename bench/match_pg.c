/* bench_match's PostgreSQL pg_trgm peer.
 *
 * A private server in the benchmark's temporary directory: initdb and
 * pg_ctl (as the postgres OS user when we run as root), Unix socket only
 * (listen_addresses=''), stopped and removed at the end. One UNLOGGED table
 * (row id, skeleton, canonical key, make, calibre) loaded with COPY and a
 * GIN gin_trgm_ops index on the skeleton. A query asks for
 *   skel % $1 (similarity >= pg_trgm.similarity_threshold = 0.3), ordered
 *   by agreement on the asked make and calibre, then similarity, LIMIT 50,
 * or, with '?' or '*', skel LIKE the pattern (same order, LIMIT 1000); the
 * rows are then verified and ranked like wam's (mb_ranker). Queries run on
 * one backend without parallel workers, like wam on one core. Compiled only
 * when meson finds libpq (HAVE_LIBPQ). */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "match_bench.h"

#ifdef HAVE_LIBPQ
#include <libpq-fe.h>

#define PG_BIN_DEFAULT "/usr/lib/postgresql/15/bin"
#define PG_PORT "5432"

/* The private server: where it lives and whether it runs. */
static struct {
	char dir[4200], data[4300], sock[4200], log[4300], cmdlog[4300];
	volatile pid_t postmaster;
	volatile sig_atomic_t running;
} pg;

/* Directory of initdb and pg_ctl: $WAM_PG_BIN or PostgreSQL 15's. */
static const char *pg_bin(void)
{
	const char *b = getenv("WAM_PG_BIN");
	return b && *b ? b : PG_BIN_DEFAULT;
}

/* Runs `argv` (as the postgres user when we are root), its output appended
 * to the command log; returns its exit status, or -1. */
static int run_as_postgres(const char *const *argv)
{
	const char *full[32];
	size_t n = 0;
	if (geteuid() == 0) {
		full[n++] = "runuser";
		full[n++] = "-u";
		full[n++] = "postgres";
		full[n++] = "--";
	}
	for (size_t i = 0; argv[i] && n + 1 < sizeof full / sizeof full[0]; i++)
		full[n++] = argv[i];
	full[n] = NULL;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(pg.cmdlog, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execvp(full[0], (char *const *)full);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Creates the server's directory, owned by postgres when we are root. */
static int make_server_dir(const char *parent, char *why, size_t cap)
{
	snprintf(pg.dir, sizeof pg.dir, "%s/pg", parent);
	snprintf(pg.data, sizeof pg.data, "%s/data", pg.dir);
	snprintf(pg.sock, sizeof pg.sock, "%s", pg.dir);
	snprintf(pg.log, sizeof pg.log, "%s/server.log", pg.dir);
	snprintf(pg.cmdlog, sizeof pg.cmdlog, "%s/commands.log", parent);
	if (mkdir(pg.dir, 0700) != 0) {
		snprintf(why, cap, "cannot create %.200s: %s", pg.dir, strerror(errno));
		return -1;
	}
	if (geteuid() != 0)
		return 0;
	struct passwd *pw = getpwnam("postgres");
	if (!pw) {
		snprintf(why, cap, "running as root and there is no postgres user to run the server");
		return -1;
	}
	if (chmod(parent, 0711) != 0 || chown(pg.dir, pw->pw_uid, pw->pw_gid) != 0) {
		snprintf(why, cap, "cannot hand %.200s to the postgres user: %s", pg.dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Reads the postmaster's pid from postmaster.pid (for an emergency stop). */
static pid_t read_postmaster_pid(void)
{
	char path[4400], line[64] = "";
	snprintf(path, sizeof path, "%s/postmaster.pid", pg.data);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(line, sizeof line, f))
		line[0] = '\0';
	fclose(f);
	char *end;
	long v = strtol(line, &end, 10);
	return end != line && v > 0 ? (pid_t)v : 0;
}

/* initdb and pg_ctl start on a Unix socket only; `why` says what failed. */
static int pg_start(const char *parent, char *why, size_t cap)
{
	char initdb[4200], pg_ctl[4200], opts[4600];
	snprintf(initdb, sizeof initdb, "%s/initdb", pg_bin());
	snprintf(pg_ctl, sizeof pg_ctl, "%s/pg_ctl", pg_bin());
	if (access(initdb, X_OK) != 0 || access(pg_ctl, X_OK) != 0) {
		snprintf(why, cap, "no %.200s or pg_ctl (set WAM_PG_BIN)", initdb);
		return -1;
	}
	if (make_server_dir(parent, why, cap))
		return -1;
	const char *init_argv[] = {initdb,     "-D", pg.data, "-A",         "trust",     "-U",
	                           "postgres", "-E", "UTF8",  "--locale=C", "--no-sync", NULL};
	if (run_as_postgres(init_argv) != 0) {
		snprintf(why, cap, "initdb failed (see %.200s)", pg.cmdlog);
		return -1;
	}
	snprintf(opts, sizeof opts,
	         "-k %s -p " PG_PORT " -c listen_addresses='' -c shared_buffers=1GB -c work_mem=256MB"
	         " -c maintenance_work_mem=2GB -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	         " -c max_wal_size=8GB -c jit=off -c max_parallel_workers_per_gather=0",
	         pg.sock);
	const char *start_argv[] = {pg_ctl, "-D", pg.data, "-l", pg.log, "-w", "-t", "120", "-o", opts, "start", NULL};
	pg.running = 1; /* from here on, stop it whatever happens */
	if (run_as_postgres(start_argv) != 0) {
		snprintf(why, cap, "pg_ctl start failed (see %.200s and %.200s)", pg.cmdlog, pg.log);
		return -1;
	}
	pg.postmaster = read_postmaster_pid();
	return 0;
}

/* Stops the server (fast shutdown, then SIGQUIT if that fails). */
static void pg_stop(void)
{
	if (!pg.running)
		return;
	char pg_ctl[4200];
	snprintf(pg_ctl, sizeof pg_ctl, "%s/pg_ctl", pg_bin());
	const char *stop_argv[] = {pg_ctl, "-D", pg.data, "-m", "fast", "-w", "-t", "60", "stop", NULL};
	if (run_as_postgres(stop_argv) != 0) {
		pid_t pid = pg.postmaster ? pg.postmaster : read_postmaster_pid();
		if (pid > 0)
			kill(pid, SIGQUIT);
	}
	pg.running = 0;
}

void mb_pg_emergency_stop(void)
{
	if (pg.running && pg.postmaster > 0)
		kill(pg.postmaster, SIGQUIT); /* immediate shutdown; safe in a signal handler */
	pg.running = 0;
}

/* Runs one SQL command; -1 with the server's message in `why`. */
static int pg_exec(PGconn *c, const char *sql, char *why, size_t cap)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : -1;
	if (rc)
		snprintf(why, cap, "%.60s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	return rc;
}

/* Appends one COPY line for a key row; nothing for an empty key. */
static void copy_line(wam_buf *b, size_t rid, const char *skel, const char *canon, uint32_t make, uint32_t cal)
{
	if (*skel)
		wam_buf_printf(b, "%zu\t%s\t%s\t%u\t%u\n", rid, skel, canon, make, cal);
}

/* Loads every key with COPY, in chunks of about 1 MB. */
static int pg_copy(PGconn *c, const mb_data *d, char *why, size_t cap)
{
	PGresult *r = PQexec(c, "COPY serials (rid, skel, canon, make, calibre) FROM STDIN");
	int rc = PQresultStatus(r) == PGRES_COPY_IN ? 0 : -1;
	PQclear(r);
	wam_buf b = {0};
	for (size_t i = 0; !rc && i < d->n; i++) {
		uint32_t make = d->makes[d->make[i]].attr, cal = d->calibre_attr[d->models[d->model[i]].calibre];
		copy_line(&b, 2 * i, d->skel[i], d->canon[i], make, cal);
		copy_line(&b, 2 * i + 1, d->altskel[i], d->alt[i], make, cal);
		if (b.n > (1u << 20) || i + 1 == d->n) {
			rc = PQputCopyData(c, b.p ? b.p : "", (int)b.n) == 1 ? 0 : -1;
			wam_buf_reset(&b);
		}
	}
	wam_buf_free(&b);
	if (PQputCopyEnd(c, rc ? "aborted" : NULL) != 1)
		rc = -1;
	while ((r = PQgetResult(c))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = -1;
		PQclear(r);
	}
	if (rc)
		snprintf(why, cap, "COPY failed: %s", PQerrorMessage(c));
	return rc;
}

/* Creates the table, loads it, indexes it and prepares the two queries. */
static int pg_build(PGconn *c, const mb_data *d, char *why, size_t cap)
{
	if (pg_exec(c, "CREATE EXTENSION pg_trgm", why, cap) ||
	    pg_exec(c, "CREATE UNLOGGED TABLE serials (rid int8, skel text, canon text, make int4, calibre int4)", why,
	            cap))
		return -1;
	fprintf(stderr, "bench: pg_trgm: COPY of %zu weapons\n", d->n);
	if (pg_copy(c, d, why, cap))
		return -1;
	fprintf(stderr, "bench: pg_trgm: building the GIN index\n");
	if (pg_exec(c, "CREATE INDEX serials_trgm ON serials USING gin (skel gin_trgm_ops)", why, cap) ||
	    pg_exec(c, "VACUUM ANALYZE serials", why, cap) ||
	    pg_exec(c, "SET pg_trgm.similarity_threshold = 0.3", why, cap))
		return -1;
	PGresult *r1 = PQprepare(c, "sim",
	                         "SELECT rid, skel, canon, make, calibre FROM serials WHERE skel % $1 ORDER BY"
	                         " (make = $2::int4)::int + (calibre = $3::int4)::int DESC,"
	                         " similarity(skel, $1) DESC LIMIT 50",
	                         3, NULL);
	PGresult *r2 = PQprepare(c, "like",
	                         "SELECT rid, skel, canon, make, calibre FROM serials WHERE skel LIKE $1 ORDER BY"
	                         " (make = $2::int4)::int + (calibre = $3::int4)::int DESC LIMIT 1000",
	                         3, NULL);
	int rc = PQresultStatus(r1) == PGRES_COMMAND_OK && PQresultStatus(r2) == PGRES_COMMAND_OK ? 0 : -1;
	if (rc)
		snprintf(why, cap, "prepare: %s", PQerrorMessage(c));
	PQclear(r1);
	PQclear(r2);
	return rc;
}

/* Bytes the table and its index take. */
static double pg_bytes(PGconn *c)
{
	PGresult *r = PQexec(c, "SELECT pg_total_relation_size('serials')");
	double v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) ? strtod(PQgetvalue(r, 0, 0), NULL) : 0;
	PQclear(r);
	return v;
}

/* Per-query state of the pg_trgm peer. */
typedef struct pgq {
	PGconn *c;
	mb_ranker rk;
} pgq;

/* A skeleton as a LIKE pattern: '?' -> '_', '*' -> '%'. */
static void like_pattern(char *out, size_t cap, const char *skel)
{
	size_t n = 0;
	for (; *skel && n + 1 < cap; skel++)
		out[n++] = *skel == '?' ? '_' : *skel == '*' ? '%' : *skel;
	out[n] = '\0';
}

/* Answers one query through pg_trgm. */
static void pg_answer(void *peer, const mb_query *q, mb_outcome *o)
{
	pgq *p = peer;
	double t0 = bench_now();
	if (mb_rank_begin(&p->rk, q)) {
		o->ran = o->failed = true;
		return;
	}
	const char *skel = p->rk.keys.skeleton;
	bool wild = strchr(skel, '?') || strchr(skel, '*');
	char pat[WAM_KEY_MAX], make[16], cal[16];
	like_pattern(pat, sizeof pat, skel);
	snprintf(make, sizeof make, "%ld",
	         p->rk.make_attr && p->rk.make_attr != UINT32_MAX ? (long)p->rk.make_attr : -1L);
	snprintf(cal, sizeof cal, "%ld",
	         p->rk.calibre_attr && p->rk.calibre_attr != UINT32_MAX ? (long)p->rk.calibre_attr : -1L);
	const char *params[3] = {wild ? pat : skel, make, cal};
	PGresult *r = PQexecPrepared(p->c, wild ? "like" : "sim", 3, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		o->failed = true;
	} else {
		for (int i = 0; i < PQntuples(r); i++)
			mb_rank_offer(&p->rk, (uint32_t)(strtoull(PQgetvalue(r, i, 0), NULL, 10) / 2),
			              PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
			              (uint32_t)strtoul(PQgetvalue(r, i, 3), NULL, 10),
			              (uint32_t)strtoul(PQgetvalue(r, i, 4), NULL, 10));
	}
	PQclear(r);
	mb_rank_finish(&p->rk, o);
	o->seconds = bench_now() - t0;
}

int mb_peer_pg(const mb_data *d, const mb_query *qs, size_t nq, double budget, const char *dir, mb_peer_result *res)
{
	char conninfo[4400];
	pgq p = {0};
	int rc;
	fprintf(stderr, "bench: pg_trgm: starting a private PostgreSQL server\n");
	if ((rc = pg_start(dir, res->why, sizeof res->why)))
		goto done;
	snprintf(conninfo, sizeof conninfo, "host=%s port=" PG_PORT " dbname=postgres user=postgres", pg.sock);
	p.c = PQconnectdb(conninfo);
	if (PQstatus(p.c) != CONNECTION_OK) {
		snprintf(res->why, sizeof res->why, "cannot connect: %s", PQerrorMessage(p.c));
		rc = -1;
		goto done;
	}
	double t0 = bench_now();
	rc = pg_build(p.c, d, res->why, sizeof res->why);
	res->build_s = bench_now() - t0;
	if (rc)
		goto done;
	res->bytes = pg_bytes(p.c);
	if ((rc = mb_rank_init(&p.rk, d))) {
		snprintf(res->why, sizeof res->why, "out of memory");
		goto done;
	}
	fprintf(stderr, "bench: pg_trgm built in %.1f s; querying\n", res->build_s);
	res->ran = true;
	mb_run_peer(qs, nq, budget, res, "pg_trgm", pg_answer, &p);
done:
	mb_rank_free(&p.rk);
	PQfinish(p.c);
	pg_stop();
	if (*pg.dir)
		mb_remove_tree(pg.dir);
	return rc;
}

#else /* no libpq */

void mb_pg_emergency_stop(void)
{
}

int mb_peer_pg(const mb_data *d, const mb_query *qs, size_t nq, double budget, const char *dir, mb_peer_result *res)
{
	(void)d;
	(void)qs;
	(void)nq;
	(void)budget;
	(void)dir;
	snprintf(res->why, sizeof res->why, "built without libpq (meson found no libpq)");
	return -1;
}

#endif
