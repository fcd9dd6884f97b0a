#!/usr/bin/env python3
"""e2e-http-session: browser sessions, credentials, the console's files,
logged reads, the access log and a graceful stop of `wam serve`.

Signing in sets an HttpOnly, SameSite=Strict cookie and returns a CSRF
token that every change made with the cookie must carry; signing out,
changing the password or disabling the user ends the session; a wrong
password and an unknown user fail alike; past four failed sign-ins for a
name from one address the next waits (429, Retry-After), then the right
password signs in; a revoked token is refused. The web
console's files come with their security headers and an ETag; every API
answer says no-store. A registrar's read of a site's coordinates is an
event, a viewer's read of the same site shows none and records nothing;
writes are recorded with the acting user or token. The access log has one
JSON line per request and no secret. SIGTERM during a long import lets it
finish, then the server exits 0.
"""
import gzip
import os
import re
import signal
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import Registry, Server, error_shape, main, q  # noqa: E402

PASSWORDS = {"alice": "alice's long password", "bob": "bob's long password", "carol": "carol's long password",
             "sam": "sam's long password"}


def cookie_of(resp):
    """The wam_session cookie's value and attributes from Set-Cookie."""
    for v in resp.header_all("Set-Cookie"):
        if v.startswith("wam_session="):
            parts = [p.strip() for p in v.split(";")]
            return parts[0][len("wam_session="):], {p.split("=")[0].lower(): p for p in parts[1:]}
    return None, {}


def sign_in(srv, name, password=None):
    return srv.post("/api/v1/session", {"name": name, "password": password or PASSWORDS[name]})


def events_after(srv, admin, seq):
    """The events after `seq`, but for those recording reads of the events
    themselves (reading them is a logged read)."""
    events = srv.get("/api/v1/events" + q(after=seq, limit=1000), admin).json["events"]
    return [e for e in events if not (e["type"] == "record.read" and
                                      e["payload"].get("via", "").startswith("GET /api/v1/events"))]


def count(srv, admin):
    return srv.get("/api/v1/summary", admin).json["totals"]["events"]


def check_sessions(tap, srv, admin, secrets):
    resp = sign_in(srv, "alice")
    sid, attrs = cookie_of(resp)
    tap.ok(resp.status == 201 and sid, "sign in with name and password: 201 and a session cookie", repr(resp))
    secrets.append(sid or "")
    tap.ok("httponly" in attrs and attrs.get("samesite", "").lower() == "samesite=strict",
           "the cookie is HttpOnly and SameSite=Strict", resp.header_all("Set-Cookie"))
    tap.ok(attrs.get("path") == "Path=/" and re.fullmatch(r"[A-Za-z0-9_-]{43}", sid or ""),
           "the cookie is for Path=/ and holds 256 random bits", resp.header_all("Set-Cookie"))
    csrf = resp.json.get("csrf", "")
    tap.ok(resp.json["user"]["name"] == "alice" and resp.json["user"]["role"] == "registrar" and len(csrf) == 43,
           "the answer names the user and gives a CSRF token", repr(resp))
    tap.ok("password" not in resp.body.decode() and PASSWORDS["alice"] not in resp.body.decode(),
           "the answer holds no password")
    resp = srv.get("/api/v1/session", cookie=sid)
    tap.ok(resp.status == 200 and resp.json["user"]["name"] == "alice" and resp.json.get("csrf") == csrf,
           "GET /session with the cookie: the same user and CSRF token", repr(resp))
    resp = srv.get("/api/v1/items" + q(limit=1), cookie=sid)
    tap.eq(resp.status, 200, "a GET with the cookie needs no CSRF token", repr(resp))

    holder = {"name": "Session unit", "type": "police"}
    before = count(srv, admin)
    resp = srv.post("/api/v1/holders", holder, cookie=sid)
    tap.ok(resp.status == 403 and resp.error().get("code") == "csrf" and not error_shape(resp),
           "a POST with the cookie and no X-CSRF-Token: 403 csrf", repr(resp))
    resp = srv.post("/api/v1/holders", holder, cookie=sid, csrf="x" * 43)
    tap.ok(resp.status == 403 and resp.error().get("code") == "csrf", "... with a wrong X-CSRF-Token: 403 csrf",
           repr(resp))
    resp = srv.request("DELETE", "/api/v1/session", cookie=sid)
    tap.ok(resp.status == 403 and resp.error().get("code") == "csrf", "... a DELETE /session without it: 403 csrf",
           repr(resp))
    tap.eq(count(srv, admin), before, "... and nothing was recorded")
    resp = srv.post("/api/v1/holders", holder, cookie=sid, csrf=csrf)
    tap.eq(resp.status, 201, "... with the right X-CSRF-Token: 201", repr(resp))
    made = events_after(srv, admin, before)
    tap.eq([(e["type"], e["actor"]) for e in made], [("holder.added", "user:alice")],
           "a change made in a session is recorded with actor user:alice")

    resp = srv.request("DELETE", "/api/v1/session", cookie=sid, csrf=csrf)
    _, gone = cookie_of(resp)
    tap.ok(resp.status == 204 and gone.get("max-age") == "Max-Age=0", "sign out: 204 and the cookie is cleared",
           repr(resp), resp.header_all("Set-Cookie"))
    resp = srv.get("/api/v1/session", cookie=sid)
    tap.ok(resp.status == 401 and resp.error().get("code") == "unauthenticated" and not error_shape(resp),
           "after signing out the old cookie gets 401", repr(resp))
    resp = srv.get("/api/v1/items", cookie="A" * 43)
    tap.eq(resp.status, 401, "a made-up session cookie: 401", repr(resp))


def check_wrong_credentials(tap, srv):
    wrong = sign_in(srv, "alice", "not alice's password")
    unknown = sign_in(srv, "nobody-at-all", "not anyone's password")
    tap.ok(wrong.status == 401 and not error_shape(wrong), "a wrong password: 401", repr(wrong))
    tap.ok(unknown.status == 401 and wrong.json == unknown.json,
           "an unknown user: 401 with the same error as a wrong password", repr(wrong), repr(unknown))
    tap.ok(not cookie_of(wrong)[0] and not cookie_of(unknown)[0], "neither sets a cookie")

    statuses = []
    for i in range(1, 6):
        resp = sign_in(srv, "bob", f"guess number {i}")
        statuses.append(resp.status)
        if resp.status != 401:
            break
    tap.eq(statuses, [401, 401, 401, 401, 429],
           "wrong passwords for bob from one address: four 401s, then the next try waits (429)", repr(resp))
    after = resp.header("Retry-After") or ""
    tap.ok(resp.status == 429 and resp.error().get("code") == "rate_limited" and not error_shape(resp),
           "... 429 rate_limited", repr(resp))
    tap.ok(after.isdigit() and 0 < int(after) <= 2, "... with Retry-After in seconds (2 after the fourth failure)",
           f"Retry-After: {after!r}")
    resp = sign_in(srv, "bob")
    tap.eq(resp.status, 429, "... and even the right password waits", repr(resp))
    time.sleep(int(resp.header("Retry-After") or "2"))
    resp = sign_in(srv, "bob")
    tap.eq(resp.status, 201, "... but only that long: then the right password signs in (no lock)", repr(resp))
    resp = sign_in(srv, "alice")
    tap.eq(resp.status, 201, "another name signs in as usual", repr(resp))
    return resp


def check_disable_and_revoke(tap, srv, admin, reg, secrets):
    resp = sign_in(srv, "carol")
    sid, _ = cookie_of(resp)
    secrets.append(sid or "")
    tap.ok(resp.status == 201 and srv.get("/api/v1/session", cookie=sid).status == 200,
           "carol signs in and her session works", repr(resp))
    resp = srv.request("PATCH", "/api/v1/users/carol", body={"disabled": True}, token=admin)
    tap.ok(resp.status == 200 and resp.json["disabled"] is True, "an admin disables carol", repr(resp))
    resp = srv.get("/api/v1/session", cookie=sid)
    tap.eq(resp.status, 401, "a disabled user's session stops working", repr(resp))
    resp = sign_in(srv, "carol")
    wrong = sign_in(srv, "carol", "not carol's password")
    tap.ok(resp.status == 401 and resp.json == wrong.json,
           "a disabled user cannot sign in, and is told so as for a wrong password", repr(resp))

    secret, tid = reg.token("short-lived", "viewer")
    secrets.append(secret)
    tap.eq(srv.get("/api/v1/items" + q(limit=1), secret).status, 200, "a new token works")
    resp = srv.request("DELETE", f"/api/v1/tokens/{tid}", token=admin)
    tap.eq(resp.status, 200, "an admin revokes it", repr(resp))
    resp = srv.get("/api/v1/items" + q(limit=1), secret)
    tap.ok(resp.status == 401 and not error_shape(resp) and resp.header("WWW-Authenticate"),
           "a revoked token: 401 with WWW-Authenticate", repr(resp))
    for what, value in [("a made-up token", "wam_" + "0" * 26 + "_" + "A" * 43),
                        ("a token with one character changed", admin[:-1] + ("A" if admin[-1] != "A" else "B")),
                        ("an empty bearer", ""), ("garbage", "not-a-token")]:
        resp = srv.get("/api/v1/items", headers={"Authorization": f"Bearer {value}"})
        tap.ok(resp.status == 401 and not error_shape(resp), f"{what}: 401", repr(resp))
    resp = srv.get("/api/v1/items", headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
    tap.ok(resp.status == 401 and resp.header("WWW-Authenticate"), "Basic authentication: 401", repr(resp))


def check_password_change(tap, srv, sid, csrf):
    resp = srv.request("PUT", "/api/v1/session/password", body={"current": "not it at all", "password": "x" * 12},
                       cookie=sid, csrf=csrf)
    tap.ok(resp.status == 422 and resp.error().get("field") == "current" and not error_shape(resp),
           "PUT /session/password with a wrong current password: 422 naming current", repr(resp))
    new = "alice's new long password"
    resp = srv.request("PUT", "/api/v1/session/password", body={"current": PASSWORDS["alice"], "password": new},
                       cookie=sid, csrf=csrf)
    tap.eq(resp.status, 204, "a signed-in user changes her password: 204", repr(resp))
    tap.eq(srv.get("/api/v1/session", cookie=sid).status, 401, "... which ends her sessions")
    tap.eq(sign_in(srv, "alice").status, 401, "... the old password no longer signs in")
    resp = sign_in(srv, "alice", new)
    tap.eq(resp.status, 201, "... the new one does", repr(resp))


def check_confined_session(tap, srv, admin, site_a):
    resp = sign_in(srv, "sam")
    sid, _ = cookie_of(resp)
    items = srv.get("/api/v1/items" + q(limit=1000), cookie=sid).json["items"]
    tap.ok(resp.status == 201 and items and {i["site_id"] for i in items} == {site_a},
           "a user confined to a site, signed in, lists only that site's weapons", repr(resp))
    resp = srv.get("/api/v1/export", cookie=sid)
    tap.eq(resp.status, 403, "... and may not export the registry", repr(resp))


def check_static(tap, srv):
    resp = srv.get("/")
    csp = resp.header("Content-Security-Policy") or ""
    etag = resp.header("ETag")
    tap.ok(resp.status == 200 and (resp.header("Content-Type") or "").startswith("text/html"),
           "GET /: 200 text/html", repr(resp))
    tap.ok("default-src 'self'" in csp, "... with a Content-Security-Policy of default-src 'self'", csp)
    tap.eq(resp.header("X-Content-Type-Options"), "nosniff", "... X-Content-Type-Options: nosniff")
    tap.ok(etag and etag.startswith('"'), "... and an ETag", f"ETag: {etag!r}")
    again = srv.get("/", headers={"If-None-Match": etag or '"none"'})
    tap.ok(again.status == 304 and again.body == b"", "GET / with If-None-Match: 304 and no body", repr(again))
    tap.eq(srv.get("/index.html").header("ETag"), etag, "/index.html is the same file")
    stale = srv.get("/", headers={"If-None-Match": '"stale"'})
    tap.eq(stale.status, 200, "GET / with a stale ETag: 200")
    js = srv.get("/app.js")
    tap.ok(js.status == 200 and (js.header("Content-Type") or "").startswith("text/javascript") and
           "default-src 'self'" in (js.header("Content-Security-Policy") or ""),
           "GET /app.js: 200 text/javascript with the same headers", repr(js))
    packed = srv.get("/app.js", headers={"Accept-Encoding": "gzip, deflate"})
    tap.ok(packed.header("Content-Encoding") == "gzip" and len(packed.body) < len(js.body) // 2 and
           gzip.decompress(packed.body) == js.body and "Accept-Encoding" in (packed.header("Vary") or ""),
           "GET /app.js accepting gzip: the same script gzipped, under half the size", repr(packed))
    resp = srv.request("PUT", "/api/v1/items")
    tap.ok(resp.status == 405 and resp.error().get("code") == "method_not_allowed" and not error_shape(resp),
           "PUT on /api/v1/items: 405", repr(resp))
    resp = srv.get("/api/v1/nothing-here")
    tap.ok(resp.status == 404 and not error_shape(resp), "an unknown API path: 404 in the error shape", repr(resp))
    resp = srv.get("/no-such-file.js")
    tap.ok(resp.status == 404 and not error_shape(resp), "an unknown file: 404", repr(resp))


def check_logged_reads(tap, srv, admin, reg, secrets, site):
    reg_secret, _ = reg.token("reader-registrar", "registrar")
    view_secret, _ = reg.token("reader-viewer", "viewer")
    secrets += [reg_secret, view_secret]
    fields = sorted(f for f in ("lat", "lon", "notes") if site[f] is not None)
    listed = srv.get("/api/v1/sites", admin).json
    tap.ok(all("lat" not in s and "lon" not in s and "notes" not in s for s in listed),
           "GET /sites never carries coordinates or notes", listed[:2])

    before = count(srv, admin)
    full = srv.get(f"/api/v1/sites/{site['id']}", reg_secret)
    tap.ok(full.status == 200 and isinstance(full.json.get("lat"), float) and isinstance(full.json.get("lon"), float),
           "a registrar's GET /sites/{id}: the site with lat and lon", repr(full))
    new = events_after(srv, admin, before)
    tap.eq([(e["type"], e["subject"], e["actor"], sorted(e["payload"].get("fields", []))) for e in new],
           [("record.read", site["id"], "token:reader-registrar", fields)],
           "... appends one record.read event: the site, the token, the fields read")
    tap.ok(new and new[0]["payload"].get("via") == f"GET /api/v1/sites/{site['id']}",
           "... saying how it was read", new)

    before = count(srv, admin)
    plain = srv.get(f"/api/v1/sites/{site['id']}", view_secret)
    tap.ok(plain.status == 200 and not {"lat", "lon", "notes"} & set(plain.json) and plain.json["name"] == site["name"],
           "a viewer's GET of the same site: no lat, lon or notes", repr(plain))
    tap.eq(count(srv, admin), before, "... and nothing is recorded")

    resp = srv.post("/api/v1/holders", {"name": "Licensed dealer", "type": "dealer", "licence": "LIC-42",
                                        "address": "1 Rue Capois"}, admin)
    hid = resp.json["id"]
    before = count(srv, admin)
    full = srv.get(f"/api/v1/holders/{hid}", reg_secret)
    new = events_after(srv, admin, before)
    tap.ok(full.json.get("licence") == "LIC-42" and [(e["type"], sorted(e["payload"]["fields"])) for e in new] ==
           [("record.read", ["address", "licence"])], "a registrar's read of a holder's licence and address is logged",
           repr(full), new)
    before = count(srv, admin)
    plain = srv.get(f"/api/v1/holders/{hid}", view_secret)
    tap.ok(not {"licence", "address"} & set(plain.json) and count(srv, admin) == before,
           "a viewer's read of the holder shows neither and records nothing", repr(plain))

    before = count(srv, admin)
    resp = srv.post("/api/v1/holders", {"name": "Token unit", "type": "police"}, reg_secret)
    new = events_after(srv, admin, before)
    tap.ok(resp.status == 201 and
           [(e["type"], e["actor"]) for e in new] == [("holder.added", "token:reader-registrar")],
           "a change made with a token is recorded with actor token:NAME", new)


def check_cache_headers(tap, srv):
    api = [(m, p, r) for m, p, r in srv.sent if p.startswith("/api/")]
    missing = [(m, p, r.status) for m, p, r in api if (r.header("Cache-Control") or "") != "no-store"]
    statuses = sorted({r.status for _, _, r in api})
    tap.ok(api and not missing, f"every API answer ({len(api)}, statuses {statuses}) has Cache-Control: no-store",
           missing[:10])
    bare = [(m, p, r.status) for m, p, r in srv.sent
            if "default-src 'self'" not in (r.header("Content-Security-Policy") or "")
            or r.header("X-Content-Type-Options") != "nosniff"]
    tap.ok(not bare, f"every answer ({len(srv.sent)}) has the Content-Security-Policy and nosniff headers", bare[:10])


def check_graceful_stop(tap, srv, admin, reg):
    """SIGTERM while an import is in flight (the server has taken it and
    half of its body is sent): the server stops taking connections but
    reads the rest, imports it and answers, then exits 0 with every row in
    the registry."""
    rows = 5000
    csv = ("category,make,model,calibre,serial,country\n" + "".join(
        f"SA1,Glock,17,9x19mm,SLOW-{i:06d},AT\n" for i in range(rows))).encode()
    before = count(srv, admin)

    def stop():
        srv.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)  # the signal is taken before the rest of the body comes

    resp = srv.raw("POST", "/api/v1/import", {"Authorization": f"Bearer {admin}", "Content-Type": "text/csv"}, csv,
                   midway=stop)
    code = srv.stop()
    tap.ok(resp is not None and resp.status == 200 and resp.json["imported"] == rows,
           "an import in flight when SIGTERM arrives finishes: 200 with every row", repr(resp))
    tap.eq(code, 0, "then the server exits 0", srv.stderr())
    tap.ok("SIGTERM: finishing requests in flight" in srv.stderr(), "... saying it finished the requests in flight",
           srv.stderr())
    _, summary, _ = reg.run("summary")
    tap.eq(summary["totals"]["events"], before + rows, "the registry holds every imported row's event")
    rc, verify, _ = reg.run("verify", check=False)
    tap.eq(rc, 0, "the registry verifies after the stop", verify)


def check_access_log(tap, srv, secrets):
    lines = srv.log_lines()
    tap.eq(len(lines), len(srv.sent), "the access log has one line per request")
    keys = {"time", "user", "method", "path", "status", "ms"}
    bad = [ln for ln in lines if not keys <= set(ln) or not isinstance(ln["ms"], (int, float))
           or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", str(ln["time"]))]
    tap.ok(lines and not bad, "every line is JSON with time, user, method, path, status and ms", bad[:3])
    sent = [(m, p.split("?")[0], r.status) for m, p, r in srv.sent]
    logged = [(ln["method"], ln["path"], ln["status"]) for ln in lines]
    tap.eq(sorted(logged), sorted(sent), "the lines match the requests sent: method, path and status")
    users = {ln["user"] for ln in lines}
    tap.ok({"-", "user:alice", "token:access-admin", "token:reader-registrar"} <= users,
           "the user is '-' for no one, user:NAME for a session, token:NAME for a token", sorted(users))
    text = open(srv.access_log).read()
    leaked = [s[:8] + "…" for s in secrets + list(PASSWORDS.values()) if s and s in text]
    tap.ok(not leaked, "no token secret, session id or password is in the access log", leaked)


def test(tap):
    reg = Registry()
    reg.demo(300)
    admin, _ = reg.token("access-admin", "admin")
    secrets = [admin]
    sites = reg.wam("site", "list")
    items = reg.wam("item", "list", "--limit", "1000")["items"]
    site_a = max({i["site_id"] for i in items if i["site_id"]}, key=lambda s: sum(i["site_id"] == s for i in items))
    reg.user("alice", "registrar", PASSWORDS["alice"])
    reg.user("bob", "viewer", PASSWORDS["bob"])
    reg.user("carol", "viewer", PASSWORDS["carol"])
    reg.user("sam", "registrar", PASSWORDS["sam"], sites=[site_a])
    srv = Server(reg)

    check_sessions(tap, srv, admin, secrets)
    resp = check_wrong_credentials(tap, srv)
    sid, _ = cookie_of(resp)
    secrets.append(sid or "")
    check_disable_and_revoke(tap, srv, admin, reg, secrets)
    check_password_change(tap, srv, sid, resp.json["csrf"] if resp.json else "")
    check_confined_session(tap, srv, admin, site_a)
    check_static(tap, srv)
    check_logged_reads(tap, srv, admin, reg, secrets, next(s for s in sites if s["lat"] is not None))
    check_cache_headers(tap, srv)
    check_graceful_stop(tap, srv, admin, reg)
    check_access_log(tap, srv, secrets)


if __name__ == "__main__":
    sys.exit(main(test))
