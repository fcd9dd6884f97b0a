#!/usr/bin/env python3
"""e2e-http-hostile: `wam serve` against hostile clients, at a small scale.

The server refuses before it reads: a request with a body and no (or the
wrong) credentials is answered 401/403 on its headers, without the body
being sent, and the server's memory does not grow when clients push large
bodies at it anyway. A slowloris of a few hundred sockets from one address
(127.0.0.2) does not stop a client at another address being served; sockets
that trickle a header byte at a time, or send nothing, are closed at the
header deadline, and a body sent too slowly is cut. Two Content-Length
headers, or one with Transfer-Encoding, a header name that is not a token
("Transfer-Encoding : chunked") and a folded header line are refused 400,
at once and alone (what follows is never read as another request); a
Transfer-Encoding other than one chunked is answered 501, not left to hang;
100 headers, or 6 KB of other applications' cookies, are served, and
headers too large for the server are answered 431, never with a silent
close; a Host the server does not answer to ([::1] when it listens on
127.0.0.1 only) is refused 421; a write made with the
session cookie from a foreign Origin is refused 403 (another port of this
host, a duplicated or empty Origin included), from the server's own page or
through the --host NAME:PORT proxy it goes through, and a token is not
concerned. Wrong passwords from one address slow that
name from that address (429 with Retry-After), never lock it: the right
password from another address signs in at once, and from the same address
once the wait is over; an unknown name is treated the same; behind a trusted
proxy the clients are told apart by X-Forwarded-For, which no one else can
set. A password or
role changed with the CLI (another process) ends the user's live session.
A registry held by another process answers writes 503 with Retry-After,
while reads go on, and a CLI command that writes exits 8.

Every connection goes to 127.0.0.0/8 only; every wait is bounded.
"""
import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import WAM, Registry, Response, Server, error_shape, main  # noqa: E402

PASSWORDS = {"alice": "alice's long password", "bob": "bob's long password", "carol": "carol's long password"}


# ---- clients from a chosen loopback address ----


def request(srv, method, path, body=None, headers=None, src="127.0.0.1", timeout=15):
    """One request on a new connection from source address `src`."""
    h = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    c = http.client.HTTPConnection(srv.host, srv.port, timeout=timeout, source_address=(src, 0))
    try:
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        return Response(r.status, r.getheaders(), r.read())
    finally:
        c.close()


def request_pairs(srv, method, path, body, pairs):
    """One request whose headers are the (name, value) `pairs`, in order,
    a name given twice sent twice."""
    data = json.dumps(body).encode()
    c = http.client.HTTPConnection(srv.host, srv.port, timeout=15)
    try:
        c.putrequest(method, path)
        for name, value in pairs + [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]:
            c.putheader(name, value)
        c.endheaders(data)
        r = c.getresponse()
        return Response(r.status, r.getheaders(), r.read())
    finally:
        c.close()


def sign_in(srv, name, password, src="127.0.0.1", headers=None):
    return request(srv, "POST", "/api/v1/session", {"name": name, "password": password}, src=src,
                   headers=headers)


def cookie_of(resp):
    for v in resp.header_all("Set-Cookie"):
        if v.startswith("wam_session="):
            return v.split(";")[0][len("wam_session="):]
    return None


def session_headers(sid, csrf, **more):
    h = {"Cookie": f"wam_session={sid}", "X-CSRF-Token": csrf}
    h.update(more)
    return h


def raw_head(srv, head, wait=5.0, src="127.0.0.1"):
    """Sends only `head` (request line and headers) and reads until the
    server closes or `wait` seconds pass. Returns (bytes read, closed by
    the server)."""
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(wait)
    s.connect((srv.host, srv.port))
    data, closed = b"", False
    try:
        s.sendall(head.encode())
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            d = s.recv(65536)
            if not d:
                closed = True
                break
            data += d
    except socket.timeout:
        pass
    except OSError:
        closed = True
    s.close()
    return data, closed


def status_of(data):
    try:
        return int(data.split(b"\r\n", 1)[0].split()[1])
    except (IndexError, ValueError):
        return None


def is_closed(s):
    """True when the server has closed socket `s` (end of stream or reset)."""
    s.setblocking(False)
    try:
        return s.recv(4096) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def memory_kib(pid, field="VmHWM"):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


# ---- the cases ----


def check_refused_before_body(tap, srv, tokens):
    host = f"{srv.host}:{srv.port}"
    head = (f"POST /api/v1/import HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/csv\r\n"
            f"Content-Length: 50000000\r\nExpect: 100-continue\r\n")
    data, closed = raw_head(srv, head + "\r\n")
    tap.ok(status_of(data) == 401 and closed and b"HTTP/1.1 100" not in data,
           "an import of 50 MB with no credentials: 401 on its headers, before any body is sent, and the "
           "connection closed", data[:300])
    data, closed = raw_head(srv, head + "Authorization: Bearer wam_nothing_like_a_token\r\n\r\n")
    tap.ok(status_of(data) == 401 and closed, "... with a made-up token: 401 at once", data[:300])
    data, closed = raw_head(srv, head + "Cookie: wam_session=" + "A" * 43 + "\r\n\r\n")
    tap.ok(status_of(data) == 401 and closed, "... with a made-up session cookie: 401 at once", data[:300])
    data, closed = raw_head(srv, head + f"Authorization: Bearer {tokens['viewer']}\r\n\r\n")
    tap.ok(status_of(data) == 403 and closed, "... with a viewer's token (may not import): 403 at once", data[:300])
    small = head.replace("50000000", "5000")
    data, closed = raw_head(srv, small.replace("/api/v1/import", "/api/v1/holders") +
                            f"Authorization: Bearer {tokens['viewer']}\r\n\r\n")
    tap.ok(status_of(data) == 403, "a viewer's POST /holders with a 5 kB body: 403 before the body", data[:300])
    data, closed = raw_head(srv, head.replace("50000000", "500000000") +
                            f"Authorization: Bearer {tokens['admin']}\r\n\r\n")
    tap.ok(status_of(data) == 413 and closed, "an admin's import over --max-body: 413 before the body", data[:300])
    data, closed = raw_head(srv, head.replace("50000000", "100") + f"Authorization: Bearer {tokens['admin']}\r\n\r\n",
                            wait=1.0)
    tap.ok(data.startswith(b"HTTP/1.1 100"), "an admin's import of 100 bytes is let in: 100 Continue, the body "
           "is awaited", data[:300])


def push_body(srv, size):
    """Sends an unauthenticated import of `size` bytes as fast as the server
    takes it; returns the status, or None when it closed first."""
    s = socket.create_connection((srv.host, srv.port), timeout=10)
    head = (f"POST /api/v1/import HTTP/1.1\r\nHost: {srv.host}:{srv.port}\r\nContent-Type: text/csv\r\n"
            f"Content-Length: {size}\r\n\r\n").encode()
    chunk = b"x" * (1 << 20)
    status = None
    try:
        s.sendall(head)
        for _ in range(size // len(chunk)):
            s.sendall(chunk)
    except OSError:
        pass
    try:
        status = status_of(s.recv(4096))
    except OSError:
        pass
    s.close()
    return status


def check_memory_bounded(tap, srv):
    before = memory_kib(srv.proc.pid)
    threads = [threading.Thread(target=push_body, args=(srv, 40 << 20)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    grown = memory_kib(srv.proc.pid) - before
    tap.ok(grown < 24 * 1024, "four clients pushing 40 MB unauthenticated imports at once: the server's peak memory "
           f"grows by {grown // 1024} MB, under 24 MB (no body is held)", f"VmHWM before {before} kB, grown {grown} kB")
    resp = request(srv, "GET", "/api/v1/health")
    tap.eq(resp.status, 200, "... and the server still answers", repr(resp))


def check_slowloris(tap, srv):
    """300 sockets from 127.0.0.2, each a request line and then nothing; the
    server (--per-address 16 --max-connections 128) keeps serving others."""
    attackers = []
    for _ in range(300):
        s = socket.socket()
        s.bind(("127.0.0.2", 0))
        s.settimeout(5)
        try:
            s.connect((srv.host, srv.port))
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nX-Slow: ")
            attackers.append(s)
        except OSError:
            s.close()
    try:
        time.sleep(0.5)
        started = time.monotonic()
        try:
            resp = request(srv, "GET", "/api/v1/health", src="127.0.0.1", timeout=5)
        except OSError as e:
            resp = e
        took = time.monotonic() - started
        tap.ok(isinstance(resp, Response) and resp.status == 200,
               f"during a slowloris of {len(attackers)} sockets from 127.0.0.2, a client at 127.0.0.1 is served "
               f"(within 5 s; took {took:.2f} s)", repr(resp))
        try:
            resp = request(srv, "GET", "/api/v1/health", src="127.0.0.3", timeout=5)
        except OSError as e:
            resp = e
        tap.ok(isinstance(resp, Response) and resp.status == 200, "... and one at 127.0.0.3", repr(resp))
        for s in attackers:  # a byte more from each: still trickling
            try:
                s.sendall(b"x")
            except OSError:
                pass
        time.sleep(0.3)
        open_ = sum(not is_closed(s) for s in attackers)
        tap.ok(open_ <= 16, f"the server holds at most 16 of the attacker's sockets (--per-address 16): {open_}")
    finally:
        for s in attackers:
            s.close()


def check_header_deadline(tap, srv):
    """--header-timeout 2: sockets that trickle a header byte every 0.4 s
    (never idle for --timeout) and sockets that send nothing are closed by
    the server; a body trickled below --min-body-rate is cut."""
    trickle, idle = [], []
    for i in range(20):
        for group in (trickle, idle):
            s = socket.socket()
            s.bind(("127.0.0.4", 0))
            s.settimeout(5)
            s.connect((srv.host, srv.port))
            group.append(s)
    for s in trickle:
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\n")
    started = time.monotonic()
    closed = set()
    while time.monotonic() - started < 8 and len(closed) < len(trickle) + len(idle):
        for s in trickle:
            if s not in closed:
                try:
                    s.sendall(b"X-Trickle: y\r\n"[:1])
                except OSError:
                    closed.add(s)
        for s in trickle + idle:
            if s not in closed and is_closed(s):
                closed.add(s)
        time.sleep(0.4)
    took = time.monotonic() - started
    tap.ok(all(s in closed for s in trickle),
           f"20 sockets sending a header byte every 0.4 s are closed at the header deadline ({took:.1f} s; "
           "--header-timeout 2, --timeout 30)", f"{sum(s in closed for s in trickle)} of 20 closed")
    tap.ok(all(s in closed for s in idle), "20 sockets that send nothing are closed too",
           f"{sum(s in closed for s in idle)} of 20 closed")
    for s in trickle + idle:
        s.close()
    return started


def check_body_rate(tap, srv, tokens):
    s = socket.socket()
    s.bind(("127.0.0.5", 0))
    s.settimeout(5)
    s.connect((srv.host, srv.port))
    s.sendall((f"POST /api/v1/holders HTTP/1.1\r\nHost: {srv.host}:{srv.port}\r\n"
               f"Authorization: Bearer {tokens['admin']}\r\nContent-Type: application/json\r\n"
               "Content-Length: 100000\r\n\r\n").encode())
    started, cut = time.monotonic(), False
    while time.monotonic() - started < 10 and not cut:
        try:
            s.sendall(b" " * 16)
        except OSError:
            cut = True
        cut = cut or is_closed(s)
        time.sleep(0.25)
    s.close()
    tap.ok(cut, "a body trickled at 64 bytes a second (under --min-body-rate 4096) is cut "
           f"({time.monotonic() - started:.1f} s)")


def check_framing(tap, srv, tokens, count_holders):
    host = f"{srv.host}:{srv.port}"
    auth = f"Authorization: Bearer {tokens['admin']}\r\n"
    body = json.dumps({"name": "Smuggled unit", "type": "police"})
    before = count_holders()
    for what, extra in [("two equal Content-Length headers", f"Content-Length: {len(body)}\r\n" * 2),
                        ("two different Content-Length headers",
                         f"Content-Length: {len(body)}\r\nContent-Length: 5\r\n"),
                        ("Content-Length with Transfer-Encoding: chunked",
                         f"Content-Length: {len(body)}\r\nTransfer-Encoding: chunked\r\n")]:
        data, _ = raw_head(srv, f"POST /api/v1/holders HTTP/1.1\r\nHost: {host}\r\n{auth}"
                                f"Content-Type: application/json\r\n{extra}\r\n{body}")
        tap.ok(status_of(data) == 400 and b'"malformed"' in data, f"{what}: 400 malformed", data[:300])
    tap.eq(count_holders(), before, "... and none of them recorded anything")
    # a header a proxy in front reads one way and this server another: the
    # body framed as none, and read as the next request on the connection
    smuggled = (f"POST /api/v1/holders HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n{body}")
    for what, extra, rest in [
            ("'Transfer-Encoding : chunked' (a space before the colon)", "Transfer-Encoding : chunked\r\n", smuggled),
            ("'Transfer-Encoding\\t: chunked' (a tab before the colon)", "Transfer-Encoding\t: chunked\r\n",
             smuggled),
            ("a Content-Length folded onto a second line", f"Content-Length: {len(body)}\r\n Content-Length: 7\r\n",
             body),
            ("a Content-Length followed by a folded line", f"Content-Length: {len(body)}\r\n\tx\r\n", body)]:
        data, closed = raw_head(srv, f"POST /api/v1/holders HTTP/1.1\r\nHost: {host}\r\n{auth}"
                                     f"Content-Type: application/json\r\n{extra}\r\n{rest}")
        tap.ok(status_of(data) == 400 and b'"malformed"' in data and b"header" in data and
               data.count(b"HTTP/1.1 ") == 1 and closed,
               f"{what}: one answer, 400 malformed, and the connection closed", data[:400])
    tap.eq(count_holders(), before, "... and none of them recorded anything, the smuggled request neither")
    for what, line in [("a folded header line", "X-Note: a\r\n\tb\r\n"),
                       ("a folded line of spaces only", "X-Note: a\r\n  \r\n"),
                       ("a header name with a space before the colon", "X-Note : a\r\n"),
                       ("a header name with a space inside", "X Note: a\r\n"),
                       ("a header name with a separator", "X(Note): a\r\n")]:
        data, closed = raw_head(srv, f"GET /api/v1/health HTTP/1.1\r\nHost: {host}\r\n{line}\r\n")
        tap.ok(status_of(data) == 400 and b'"malformed"' in data and closed, f"a read with {what}: 400 malformed",
               data[:300])
    data, _ = raw_head(srv, f"GET /api/v1/health HTTP/1.1\r\nHost: {host}\r\nX-Note:\t a b \r\nX-Empty:\r\n"
                            f"Connection: close\r\n\r\n")
    tap.eq(status_of(data), 200, "... while spaces and tabs after the colon, and empty values, are taken", data[:300])
    # a coding this server cannot read would leave the body without an end:
    # answered at once, not left to hang until the deadline
    for coding in ["identity", "xchunked", "gzip, chunked", "chunked, chunked"]:
        data, closed = raw_head(srv, f"POST /api/v1/holders HTTP/1.1\r\nHost: {host}\r\n{auth}"
                                     f"Content-Type: application/json\r\nTransfer-Encoding: {coding}\r\n\r\n{body}")
        tap.ok(status_of(data) == 501 and b'"not_implemented"' in data and closed,
               f"Transfer-Encoding: {coding}: 501 not_implemented, the connection closed", data[:300])
    data, _ = raw_head(srv, f"POST /api/v1/holders HTTP/1.1\r\nHost: {host}\r\n{auth}"
                            f"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                            f"Transfer-Encoding: chunked\r\n\r\n{len(body):x}\r\n{body}\r\n0\r\n\r\n")
    tap.ok(status_of(data) == 501, "two Transfer-Encoding: chunked headers: 501", data[:300])
    tap.eq(count_holders(), before, "... and none of them recorded anything")
    data, _ = raw_head(srv, f"POST /api/v1/holders HTTP/1.1\r\nHost: {host}\r\n{auth}"
                            f"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
                            f"\r\n{len(body):x}\r\n{body}\r\n0\r\n\r\n")
    tap.ok(status_of(data) == 201 and count_holders() == before + 1,
           "a body sent with one Transfer-Encoding: chunked is taken (201)", data[:300])


def check_host(tap, srv):
    for host, want in [("evil.example", 421), (f"evil.example:{srv.port}", 421), (f"127.0.0.1.evil.example", 421),
                       (f"[::1]:{srv.port}", 421), ("[::1]", 421),
                       (f"localhost:{srv.port}", 200), (f"127.0.0.1:{srv.port}", 200), ("LOCALHOST", 200)]:
        resp = request(srv, "GET", "/api/v1/health", headers={"Host": host})
        ok = resp.status == want and (want == 200 or (resp.error().get("code") == "misdirected" and
                                                      not error_shape(resp)))
        tap.ok(ok, f"Host: {host}: {want}", repr(resp))
    resp = request(srv, "GET", "/", headers={"Host": "attacker.example"})
    tap.eq(resp.status, 421, "the console's page for a foreign Host: 421", repr(resp))


def answer_431(data):
    """The JSON error of a 431 read off a socket, or None."""
    head, _, body = data.partition(b"\r\n\r\n")
    try:
        return json.loads(body).get("error") if status_of(head) == 431 else None
    except ValueError:
        return None


def check_header_size(tap, srv):
    """A browser sends every cookie of localhost, whatever its port: other
    local applications' cookies must not lock the console out, and headers
    too large for the server are answered 431, never met with a closed
    socket."""
    resp = sign_in(srv, "carol", PASSWORDS["carol"])
    sid = cookie_of(resp)
    tap.ok(resp.status == 201 and sid, "carol signs in", repr(resp))
    many = {f"X-H{i}": f"v{i}" for i in range(100)}
    resp = request(srv, "GET", "/api/v1/health", headers=many)
    tap.eq(resp.status, 200, "a request with 100 headers is served", repr(resp))
    resp = request(srv, "GET", "/api/v1/holders", headers=dict(many, Cookie=f"wam_session={sid}"))
    tap.eq(resp.status, 200, "... and a session read with 100 headers besides its cookie", repr(resp))
    other = "; ".join(f"app{i}=" + "x" * 1000 for i in range(6))
    resp = request(srv, "GET", "/api/v1/holders", headers={"Cookie": f"{other}; wam_session={sid}"})
    tap.eq(resp.status, 200, "a session read with 6 KB of another application's cookies is served", repr(resp))
    resp = request(srv, "GET", "/api/v1/holders", headers={"Cookie": "other=" + "y" * 6000 + f"; wam_session={sid}"})
    tap.eq(resp.status, 200, "... and one with a single 6 KB cookie before the session's", repr(resp))
    resp = request(srv, "GET", "/", headers={"Cookie": "other=" + "y" * 6000})
    tap.eq(resp.status, 200, "the console's page with a 6 KB cookie is served", repr(resp))
    base = f"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\n"
    for what, head in [("350 headers", "".join(f"X-H{i}: v{i}\r\n" for i in range(350))),
                       ("a 16 KB cookie", "Cookie: a=" + "x" * 16000 + "\r\n"),
                       ("a 24 KB header", "X-Big: " + "x" * 24000 + "\r\n")]:
        data, closed = raw_head(srv, base + head + "\r\n")
        err = answer_431(data) or {}
        tap.ok(err.get("code") == "headers_too_large" and closed,
               f"{what}: 431 headers_too_large in the API's error shape, then closed", data[:300])
    # every size up to where the server's memory for a request is full,
    # header by header and byte by byte: an answer each time
    silent = []
    for n in range(300, 700, 5):
        data, _ = raw_head(srv, base + "".join(f"X-H{i}: v{i}\r\n" for i in range(n)) + "\r\n")
        if status_of(data) != 431:
            silent.append(f"{n} headers: {data[:60]!r}")
    for n in range(21000, 40000, 50):
        data, _ = raw_head(srv, base + "X-Big: " + "x" * n + "\r\n\r\n")
        if status_of(data) != 431:
            silent.append(f"a {n}-byte header: {data[:60]!r}")
    tap.ok(not silent, "headers too large, from 300 headers to 700 and from 21,000 bytes to 40,000: a 431 each "
           "time, never a connection closed without an answer", "; ".join(silent[:10]))
    for what, head in [("600 headers", "".join(f"X-H{i}: v{i}\r\n" for i in range(600))),
                       ("a 40 KB cookie", "Cookie: a=" + "x" * 40000 + "\r\n"),
                       ("a 70 KB header", "X-Big: " + "x" * 70000 + "\r\n")]:
        data, closed = raw_head(srv, base + head + "\r\n")
        tap.ok(status_of(data) == 431 and closed, f"{what}: 431, then closed", data[:200])
    resp = request(srv, "GET", "/api/v1/health")
    tap.eq(resp.status, 200, "the server still answers after them", repr(resp))


def check_origin(tap, srv, tokens, count_holders):
    resp = sign_in(srv, "alice", PASSWORDS["alice"])
    sid, csrf = cookie_of(resp), (resp.json or {}).get("csrf", "")
    tap.ok(resp.status == 201 and sid, "alice signs in", repr(resp))
    own = f"http://{srv.host}:{srv.port}"
    other = srv.port + 1 if srv.port < 65535 else srv.port - 1
    holder = {"name": "Origin unit", "type": "police"}
    before = count_holders()
    for what, extra in [("Origin: http://evil.example", {"Origin": "http://evil.example"}),
                        ("Origin of another name with the server's port",
                         {"Origin": f"http://evil.example:{srv.port}"}),
                        ("Origin: null", {"Origin": "null"}),
                        ("no Origin, Sec-Fetch-Site: cross-site", {"Sec-Fetch-Site": "cross-site"}),
                        ("no Origin, Sec-Fetch-Site: same-site", {"Sec-Fetch-Site": "same-site"}),
                        ("no Origin, Referer from another site", {"Referer": "http://evil.example/page"}),
                        # another web application on this machine is another
                        # site, though a cookie is sent to it as to this one
                        ("Origin of this host on another port", {"Origin": f"http://localhost:{other}"}),
                        ("Origin of this host on another port, in capitals",
                         {"Origin": f"HTTP://LOCALHOST:{other}"}),
                        ("Origin of this host with no port (80)", {"Origin": f"http://{srv.host}"}),
                        ("Origin [::1] on the server's port (it listens on 127.0.0.1 only)",
                         {"Origin": f"http://[::1]:{srv.port}"}),
                        ("Origin https on the server's port (it speaks no TLS)",
                         {"Origin": f"https://{srv.host}:{srv.port}"}),
                        ("Origin of this server with a path", {"Origin": f"{own}/page"}),
                        ("an empty Origin", {"Origin": ""}),
                        ("an empty Origin with Sec-Fetch-Site: same-origin",
                         {"Origin": "", "Sec-Fetch-Site": "same-origin"}),
                        ("the proxy's name on another port", {"Origin": "https://proxy.example:9443"}),
                        ("the proxy's name with no port (443)", {"Origin": "https://proxy.example"}),
                        ("no Origin, Referer of this host on another port",
                         {"Referer": f"http://localhost:{other}/page"}),
                        ("no Origin, an empty Referer", {"Referer": ""}),
                        ("no Origin, Sec-Fetch-Site: Same-Origin (not as a browser writes it)",
                         {"Sec-Fetch-Site": "Same-Origin"})]:
        resp = request(srv, "POST", "/api/v1/holders", holder, headers=session_headers(sid, csrf, **extra))
        tap.ok(resp.status == 403 and resp.error().get("code") == "origin" and not error_shape(resp),
               f"a write with the session cookie and the CSRF token, {what}: 403 origin", repr(resp))
    cookie = [("Cookie", f"wam_session={sid}"), ("X-CSRF-Token", csrf)]
    for what, pairs in [("two Origin headers, this server's first", [("Origin", own), ("Origin", "http://evil.example")]),
                        ("two Origin headers, both this server's", [("Origin", own), ("Origin", own)]),
                        ("no Origin, two Referer headers, this server's first",
                         [("Referer", own + "/"), ("Referer", f"http://localhost:{other}/")])]:
        resp = request_pairs(srv, "POST", "/api/v1/holders", holder, cookie + pairs)
        tap.ok(resp.status == 403 and resp.error().get("code") == "origin" and not error_shape(resp),
               f"a write with the session cookie and the CSRF token, {what}: 403 origin", repr(resp))
    tap.eq(count_holders(), before, "... and none of them recorded anything")
    for what, origin in [("the page as HTTP://LOCALHOST:PORT", f"HTTP://LOCALHOST:{srv.port}"),
                         ("a page behind the --host proxy.example:8443 proxy", "https://proxy.example:8443"),
                         ("... and as the proxy's name in capitals", "HTTPS://PROXY.EXAMPLE:8443")]:
        resp = request(srv, "POST", "/api/v1/holders", holder, headers=session_headers(sid, csrf, Origin=origin))
        tap.eq(resp.status, 201, f"the same write from {what} (Origin: {origin}): 201", repr(resp))
    resp = request(srv, "POST", "/api/v1/holders", holder,
                   headers=session_headers(sid, csrf, Referer=f"{own}/#/holders"))
    tap.eq(resp.status, 201, "... with no Origin and a Referer of the server's own page: 201", repr(resp))
    resp = request(srv, "POST", "/api/v1/holders", holder,
                   headers=session_headers(sid, csrf, Origin=own, **{"Sec-Fetch-Site": "same-origin"}))
    tap.eq(resp.status, 201, f"the same write from the server's own page (Origin: {own}): 201", repr(resp))
    resp = request(srv, "POST", "/api/v1/holders", holder,
                   headers=session_headers(sid, csrf, Origin=f"http://localhost:{srv.port}"))
    tap.eq(resp.status, 201, "... from the page as http://localhost:PORT: 201", repr(resp))
    resp = request(srv, "POST", "/api/v1/holders", holder, headers=session_headers(sid, csrf))
    tap.eq(resp.status, 201, "... from a client that sends no Origin (not a browser): 201", repr(resp))
    resp = request(srv, "GET", "/api/v1/holders", headers={"Cookie": f"wam_session={sid}",
                                                           "Origin": "http://evil.example"})
    tap.eq(resp.status, 200, "a read with the cookie is not concerned by Origin", repr(resp))
    resp = request(srv, "POST", "/api/v1/holders", holder,
                   headers={"Authorization": f"Bearer {tokens['admin']}", "Origin": "http://evil.example",
                            "Sec-Fetch-Site": "cross-site"})
    tap.eq(resp.status, 201, "a write with a token and a foreign Origin: 201 (tokens are not sent by browsers)",
           repr(resp))


def tries(srv, name, src, n=10, forwarded=None):
    """Wrong passwords for `name` from `src` until a 429 (at most `n`);
    returns the statuses and the last answer. `forwarded(i)`: the
    X-Forwarded-For of the i-th try."""
    statuses, resp = [], None
    for i in range(n):
        headers = {"X-Forwarded-For": forwarded(i)} if forwarded else None
        resp = sign_in(srv, name, f"wrong guess {i} for {name}", src=src, headers=headers)
        statuses.append(resp.status)
        if resp.status != 401:
            break
    return statuses, resp


def check_signin_limits(tap, srv):
    statuses, resp = tries(srv, "bob", "127.0.0.2")
    after = resp.header("Retry-After") or ""
    tap.ok(statuses[-1] == 429 and statuses[:3] == [401] * 3 and resp.error().get("code") == "rate_limited",
           "wrong passwords for bob from 127.0.0.2: a few 401s, then 429 rate_limited", statuses, repr(resp))
    tap.ok(after.isdigit() and 1 <= int(after) <= 600, "... with Retry-After in seconds (at most ten minutes)",
           f"Retry-After: {after!r}")
    resp = sign_in(srv, "bob", PASSWORDS["bob"], src="127.0.0.2")
    tap.eq(resp.status, 429, "from 127.0.0.2 the right password waits too", repr(resp))
    other = sign_in(srv, "bob", PASSWORDS["bob"], src="127.0.0.3")
    tap.eq(other.status, 201, "bob's right password from another address (127.0.0.3) signs in at once", repr(other))
    time.sleep(min(int(resp.header("Retry-After") or "1"), 8))  # bounded: a longer wait fails below
    resp = sign_in(srv, "bob", PASSWORDS["bob"], src="127.0.0.2")
    tap.eq(resp.status, 201, "... for Retry-After seconds only: then it signs in (a delay, not a lock)", repr(resp))
    statuses2, resp2 = tries(srv, "bob", "127.0.0.2")
    tap.eq(statuses2, statuses, "a right password clears the count: the same free tries again", statuses2)
    wait2 = resp2.header("Retry-After") or ""
    time.sleep(min(int(wait2 or "1"), 8))
    resp2 = sign_in(srv, "bob", "yet another wrong guess", src="127.0.0.2")
    tap.eq(resp2.status, 401, "after the wait a wrong password is checked again (401)", repr(resp2))
    resp2 = sign_in(srv, "bob", "and another wrong guess", src="127.0.0.2")
    wait3 = resp2.header("Retry-After") or ""
    tap.ok(resp2.status == 429 and wait3.isdigit() and wait2.isdigit() and int(wait3) > int(wait2),
           f"... and the next wait is longer ({wait2} s, then {wait3} s)", repr(resp2))
    unknown, _ = tries(srv, "nobody-at-all", "127.0.0.6")
    tap.eq(unknown, statuses, "an unknown name from a fresh address is answered as bob was (no enumeration)")

    # behind a reverse proxy (--trusted-proxy 127.0.0.8) clients are told
    # apart by the address the proxy adds to X-Forwarded-For
    proxied, resp = tries(srv, "alice", "127.0.0.8", forwarded=lambda i: "10.9.9.9, 10.0.0.1")
    tap.eq(proxied, statuses, "through the trusted proxy, wrong passwords for alice from client 10.0.0.1: "
           "the same free tries, then 429", repr(resp))
    resp = sign_in(srv, "alice", PASSWORDS["alice"], src="127.0.0.8", headers={"X-Forwarded-For": "10.0.0.2"})
    tap.eq(resp.status, 201, "... and alice at 10.0.0.2, through the same proxy, signs in at once", repr(resp))
    spoofed, resp = tries(srv, "alice", "127.0.0.9", forwarded=lambda i: f"10.1.0.{i}")
    tap.eq(spoofed, statuses, "from an address that is not a trusted proxy, X-Forwarded-For is ignored: a "
           "new one on each try still gets 429", repr(resp))
    logged = [ln.get("client") for ln in srv.log_lines() if ln.get("path") == "/api/v1/session"]
    tap.ok("10.0.0.1" in logged and "10.0.0.2" in logged and not any(c.startswith("10.1.") for c in logged),
           "the access log names the client the trusted proxy saw, never a spoofed one", sorted(set(logged)))


def check_cli_password_change(tap, srv, reg):
    resp = sign_in(srv, "carol", PASSWORDS["carol"], src="127.0.0.7")
    sid = cookie_of(resp)
    ok = request(srv, "GET", "/api/v1/session", headers={"Cookie": f"wam_session={sid}"})
    tap.ok(resp.status == 201 and ok.status == 200, "carol signs in and her session works", repr(resp), repr(ok))
    new = "carol's newer long password"
    reg.run("user", "passwd", "carol", "--password-stdin", stdin=new + "\n")
    resp = request(srv, "GET", "/api/v1/session", headers={"Cookie": f"wam_session={sid}"})
    tap.ok(resp.status == 401 and resp.error().get("code") == "unauthenticated",
           "`wam user passwd carol` from the CLI (another process): her live session gets 401", repr(resp))
    resp = sign_in(srv, "carol", new, src="127.0.0.7")
    sid = cookie_of(resp)
    tap.eq(resp.status, 201, "... and she signs in with the new password", repr(resp))
    reg.run("user", "set", "carol", "--role", "viewer")
    resp = request(srv, "GET", "/api/v1/session", headers={"Cookie": f"wam_session={sid}"})
    tap.eq(resp.status, 401, "`wam user set carol --role viewer` from the CLI ends her session too", repr(resp))


def check_busy(tap, srv, reg, tokens, count_holders):
    lock = sqlite3.connect(reg.db, isolation_level=None, timeout=2)
    try:
        lock.execute("BEGIN EXCLUSIVE")
        resp = request(srv, "GET", "/api/v1/holders", headers={"Authorization": f"Bearer {tokens['admin']}"})
        tap.eq(resp.status, 200, "while another process holds the registry's write lock, reads are served", repr(resp))
        cli = subprocess.Popen([WAM, "--db", reg.db, "site", "add", "Busy depot", "--kind", "armoury", "--country",
                                "HT"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=reg.env)
        resp = request(srv, "POST", "/api/v1/holders", {"name": "Busy unit", "type": "police"},
                       headers={"Authorization": f"Bearer {tokens['admin']}"}, timeout=30)
        try:
            _, cli_err = cli.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            cli.kill()
            _, cli_err = cli.communicate()
        after = resp.header("Retry-After") or ""
        tap.ok(resp.status == 503 and resp.error().get("code") == "busy" and not error_shape(resp),
               "... a write waits, then answers 503 busy (not 500)", repr(resp))
        tap.ok(after.isdigit() and int(after) >= 1, "... with Retry-After", f"Retry-After: {after!r}")
        tap.ok(cli.returncode == 8 and "busy" in cli_err,
               "a CLI command that writes meanwhile exits 8 (busy), saying so", cli.returncode, cli_err)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    before = count_holders()
    resp = request(srv, "POST", "/api/v1/holders", {"name": "Busy unit", "type": "police"},
                   headers={"Authorization": f"Bearer {tokens['admin']}"})
    tap.ok(resp.status == 201 and count_holders() == before + 1, "once the lock is gone the same write is 201",
           repr(resp))


def test(tap):
    reg = Registry()
    reg.run("init", "--country", "HT")
    tokens = {"admin": reg.token("hostile-admin", "admin")[0], "viewer": reg.token("hostile-viewer", "viewer")[0]}
    for name, password in PASSWORDS.items():
        reg.user(name, "viewer" if name == "bob" else "registrar", password)

    srv = Server(reg, "--header-timeout", "2", "--timeout", "30", "--min-body-rate", "4096", "--per-address", "48",
                 "--max-connections", "256", "--max-body", "100000000", "--trusted-proxy", "127.0.0.8",
                 "--host", "proxy.example:8443", name="deadlines")

    def count_holders():
        return len(request(srv, "GET", "/api/v1/holders", headers={"Authorization": f"Bearer {tokens['admin']}"}).json)

    for bad in ["proxy.example:", "proxy.example:0", "proxy.example:65536", "proxy.example:+443",
                "proxy.example: 443", "proxy.example:443:1", ":443"]:
        code, _, err = reg.run("serve", "--listen", "127.0.0.1:0", "--host", bad, check=False)
        tap.ok(code == 2 and "--host" in err, f"wam serve --host '{bad}': exits 2 naming --host", code, err)
    check_refused_before_body(tap, srv, tokens)
    check_memory_bounded(tap, srv)
    check_framing(tap, srv, tokens, count_holders)
    check_host(tap, srv)
    check_origin(tap, srv, tokens, count_holders)
    check_header_size(tap, srv)
    check_header_deadline(tap, srv)
    check_body_rate(tap, srv, tokens)
    check_signin_limits(tap, srv)
    check_cli_password_change(tap, srv, reg)
    check_busy(tap, srv, reg, tokens, count_holders)
    tap.eq(srv.stop(), 0, "the server stops cleanly (exit 0)", srv.stderr()[-2000:])

    loris = Server(reg, "--header-timeout", "60", "--per-address", "16", "--max-connections", "128", name="loris")
    check_slowloris(tap, loris)
    tap.eq(loris.stop(), 0, "the second server stops cleanly (exit 0)", loris.stderr()[-2000:])


if __name__ == "__main__":
    sys.exit(main(test))
