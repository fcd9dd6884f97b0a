#!/usr/bin/env python3
"""e2e-crash: a registry survives `kill -9` at any moment.

`wam import` (a few thousand rows), `wam demo` and an HTTP import
(`POST /api/v1/import` with a registrar's token, the server killed) are each
stopped with SIGKILL at a random point, many times. After every kill the
registry holds either nothing of the interrupted work or all of it — the
weapon count is the count before or the count before plus every row — and
`wam verify` exits 0.

The kill points are drawn from a seeded generator: the seed is printed,
and WAM_CRASH_SEED=N repeats a run. Each kind of work is first run once to
the end, to know how long it takes here (a sanitized build is slower), and
the kills are spread over that time.
"""
import os
import random
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import WAM, Registry, Server, main  # noqa: E402

ROWS = 2000          # rows of each import
DEMO_ITEMS = 100     # weapons of each demo (a small demo has a site with no seized weapon)
IMPORT_KILLS = 9
DEMO_KILLS = 4
HTTP_KILLS = 9


def csv_rows(tag):
    """ROWS weapons with serials of their own (`tag`), as CSV."""
    return "category,make,model,calibre,serial,country\n" + "".join(
        f"SA1,Glock,17,9x19mm,{tag}-{i:05d},AT\n" for i in range(ROWS))


def weapons(reg):
    return reg.wam("summary")["totals"]["items"]


def verify(reg):
    code, out, err = reg.run("verify", check=False)
    return code, f"{out}\n{err}".strip()


def run_killed(reg, args, delay):
    """Runs `wam --db REG ARGS`, SIGKILLed after `delay` seconds unless it
    ended first; returns its exit status (negative when killed)."""
    p = subprocess.Popen([WAM, "--db", reg.db, "--json", *args], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=reg.env, cwd=reg.dir)
    try:
        p.wait(delay)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
    return p.returncode


def timed(fn):
    t = time.monotonic()
    fn()
    return time.monotonic() - t


def check(tap, reg, what, before, full, killed_at):
    """All or nothing, and a ledger that verifies."""
    n = weapons(reg)
    tap.ok(n in (before, full), f"{what} killed at {killed_at:.3f} s: {n} weapons, before {before} or all {full}")
    code, text = verify(reg)
    tap.ok(code == 0, f"... and wam verify exits 0 (got {code})", text)
    return n


def cli_imports(tap, rng):
    reg = Registry()
    reg.run("init", "--country", "HT")
    with open(reg.path("full.csv"), "w") as f:
        f.write(csv_rows("FULL"))
    took = timed(lambda: reg.run("import", "full.csv"))
    tap.ok(weapons(reg) == ROWS, f"an import of {ROWS} rows run to its end ({took:.2f} s) imports every row")
    ended = 0
    for run in range(IMPORT_KILLS):
        name = f"run{run}.csv"
        with open(reg.path(name), "w") as f:
            f.write(csv_rows(f"RUN{run}"))
        before = weapons(reg)
        delay = rng.uniform(0, took)
        code = run_killed(reg, ["import", name], delay)
        ended += code == 0
        check(tap, reg, f"wam import ({ROWS} rows)", before, before + ROWS, delay)
    tap.ok(ended < IMPORT_KILLS, f"wam import: {IMPORT_KILLS - ended} of {IMPORT_KILLS} runs killed before they ended")


def demos(tap, rng):
    ref = Registry()
    ref.run("init", "--country", "HT")
    took = timed(lambda: ref.run("demo", "--items", str(DEMO_ITEMS), "--seed", "4"))
    full = weapons(ref)
    tap.ok(full >= DEMO_ITEMS, f"a demo of {DEMO_ITEMS} weapons run to its end ({took:.2f} s) makes {full} weapons")
    for run in range(DEMO_KILLS):
        reg = Registry()
        reg.run("init", "--country", "HT")
        delay = rng.uniform(0, took)
        run_killed(reg, ["demo", "--items", str(DEMO_ITEMS), "--seed", "4"], delay)
        check(tap, reg, f"wam demo --items {DEMO_ITEMS}", 0, full, delay)


def http_imports(tap, rng):
    reg = Registry()
    reg.run("init", "--country", "HT")
    secret, _ = reg.token("crash-registrar", "registrar")

    def post(srv, body, result):
        try:
            result.append(srv.post("/api/v1/import", body, secret, ctype="text/csv", timeout=120))
        except OSError as e:  # the server was killed under it
            result.append(e)

    srv = Server(reg, name="full")
    t = time.monotonic()
    resp = srv.post("/api/v1/import", csv_rows("HTTPFULL"), secret, ctype="text/csv", timeout=120)
    took = time.monotonic() - t
    srv.stop()
    tap.ok(resp.status == 200 and weapons(reg) == ROWS,
           f"an HTTP import of {ROWS} rows run to its end ({took:.2f} s) imports every row", repr(resp))
    answered = 0
    for run in range(HTTP_KILLS):
        srv = Server(reg, name=f"run{run}")
        before = weapons(reg)
        result = []
        client = threading.Thread(target=post, args=(srv, csv_rows(f"HTTP{run}"), result))
        delay = rng.uniform(0, took)
        client.start()
        client.join(delay)
        srv.proc.send_signal(signal.SIGKILL)
        srv.stop()
        client.join()
        answered += bool(result) and not isinstance(result[0], OSError)
        check(tap, reg, f"wam serve during POST /api/v1/import ({ROWS} rows)", before, before + ROWS, delay)
    tap.ok(answered < HTTP_KILLS, f"HTTP import: {HTTP_KILLS - answered} of {HTTP_KILLS} runs killed before the answer")


def body(tap):
    seed = int(os.environ.get("WAM_CRASH_SEED") or random.SystemRandom().randrange(1, 1 << 31))
    tap.note(f"seed {seed} (WAM_CRASH_SEED={seed} repeats this run)")
    rng = random.Random(seed)
    cli_imports(tap, rng)
    demos(tap, rng)
    http_imports(tap, rng)


if __name__ == "__main__":
    sys.exit(main(body))
