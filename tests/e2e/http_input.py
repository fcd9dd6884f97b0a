#!/usr/bin/env python3
"""e2e-http-input: what `wam serve` does with bad input.

Malformed JSON, bodies that are not objects, wrong types, missing and
unknown fields, invalid UTF-8 and encoded NULs, oversized bodies (with a
Content-Length and chunked), SQL metacharacters and very long strings in
every string parameter, bad imports, unknown query parameters, and path
traversal in static paths. Each bad request gets a 4xx with exactly the
error shape {"error": {code, message[, field], message_id, args}} naming the
field where there is one, its message_id one of the console's catalogue
(web/i18n/en.json, msg.<message_id>) whose English, filled with args, is the
message, and leaves the ledger as it was: the event count is read before and
after each one. Strings full of SQL metacharacters that are valid data
(a make, a serial, a note) are stored and read back byte for byte.
"""
import json
import os
import sys
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import Registry, Server, catalogued, error_shape, main, q  # noqa: E402

MAX_BODY = 100000  # the server's --max-body: imports only; JSON bodies stop at 1 MiB
SQL = ["' OR 1=1 --", "\"; DROP TABLE items; --", "Robert'); DELETE FROM events;--",
       "1 UNION SELECT hash FROM credentials"]
LONG = "A" * 5000
CLIENT_ERRORS = {400, 404, 413, 415, 422}


class Checker:
    def __init__(self, tap, srv, admin):
        self.tap, self.srv, self.admin = tap, srv, admin

    def events(self):
        resp = self.srv.get("/api/v1/summary", self.admin)
        return resp.json["totals"]["events"]

    def bad(self, desc, method, path, body=None, ctype=None, status=None, field=None, code=None, token=None,
            headers=None):
        """Sends a request that must be refused: a 4xx (`status`, a number
        or a set; any of CLIENT_ERRORS if None) with the exact error shape,
        naming `field` (in "field" and in the message) when given, and no
        new event."""
        before = self.events()
        resp = self.srv.request(method, path, body=body, ctype=ctype, token=token or self.admin, headers=headers)
        after = self.events()
        want = {status} if isinstance(status, int) else status or CLIENT_ERRORS
        e = resp.error()
        why = []
        if resp.status not in want:
            why.append(f"status {resp.status}, expected {sorted(want)}")
        shape = error_shape(resp)
        if shape:
            why.append(shape)
        # the message names the field, or what it holds ("no site with id
        # ..." for sites, "country ..." for import_marks[0].country)
        word = (field or "").split(".")[-1].split("[")[0]
        if field and (e.get("field") != field or not any(w in e.get("message", "") for w in (word, word[:-1]))):
            why.append(f"the error does not name {field!r}: {e}")
        if code and e.get("code") != code:
            why.append(f"code {e.get('code')!r}, expected {code!r}")
        if after != before:
            why.append(f"events went from {before} to {after}")
        return self.tap.ok(not why, desc, *why, repr(resp))


def json_endpoints(ids):
    """Every route that takes a JSON body: method, path, a valid body to
    build on."""
    return [
        ("POST", "/api/v1/items", {"category": "SA1", "make": "Colt", "serial": "NEVER-1", "country": "US"}),
        ("POST", "/api/v1/sites", {"name": "Never depot", "kind": "depot"}),
        ("POST", "/api/v1/holders", {"name": "Never unit", "type": "police"}),
        ("POST", f"/api/v1/items/{ids['item']}/status", {"status": "lost", "reason": "never"}),
        ("POST", "/api/v1/users", {"name": "never", "role": "viewer", "password": "never a password"}),
        ("PATCH", f"/api/v1/users/{ids['user']}", {"role": "tracer"}),
        ("PUT", f"/api/v1/users/{ids['user']}/password", {"password": "never a password"}),
        ("POST", "/api/v1/tokens", {"name": "never", "role": "viewer"}),
        ("POST", "/api/v1/session", {"name": "never", "password": "never a password"}),
    ]


def check_json_bodies(c, ids):
    malformed = [
        ("a truncated object", b'{"name": "x",', 400),
        ("an array", b'[{"name": "x"}]', 400),
        ("a string", b'"name"', 400),
        ("an empty body", b"", 400),
        ("a repeated key", b'{"name": "x", "name": "y"}', 400),
        ("invalid UTF-8", b'{"name": "\xff\xfe"}', 400),
        ("an encoded surrogate (invalid UTF-8)", b'{"name": "\xed\xa0\x80"}', 400),
        ("a \\u0000 in a string", b'{"name": "a\\u0000b"}', 400),
        ("a number too large", b'{"name": 1e400}', 400),
    ]
    for method, path, valid in json_endpoints(ids):
        for what, body, status in malformed:
            c.bad(f"{method} {path}: {what}: {status}", method, path, body=body, status=status, code="malformed")
        c.bad(f"{method} {path}: valid JSON as text/plain: 415", method, path, body=json.dumps(valid),
              ctype="text/plain", status=415)
        c.bad(f"{method} {path}: an unknown field: 422 naming it", method, path,
              body=dict(valid, smuggled="1"), status=422, field="smuggled")


def check_fields(c, ids):
    """Wrong types, missing fields and values out of their vocabulary, SQL
    metacharacters where a string must be one of a set or name a record."""
    item = {"category": "SA1", "make": "Colt", "serial": "NEVER-2", "country": "US"}
    site = {"name": "Never depot", "kind": "depot"}
    holder = {"name": "Never unit", "type": "police"}
    user = {"name": "never", "role": "viewer", "password": "never a password"}
    token = {"name": "never", "role": "viewer"}
    change = {"status": "lost", "reason": "never"}
    st = f"/api/v1/items/{ids['item']}/status"
    pu, pw = f"/api/v1/users/{ids['user']}", f"/api/v1/users/{ids['user']}/password"
    cases = [
        # POST /items
        ("POST", "/api/v1/items", {"make": "Colt"}, "category", 422),
        ("POST", "/api/v1/items", dict(item, category=5), "category", 422),
        ("POST", "/api/v1/items", dict(item, make=["Colt"]), "make", 422),
        ("POST", "/api/v1/items", dict(item, serial=7), "serial", 422),
        ("POST", "/api/v1/items", dict(item, year="nineteen"), "year", 422),
        ("POST", "/api/v1/items", dict(item, year=1990.5), "year", 422),
        ("POST", "/api/v1/items", dict(item, year=True), "year", 422),
        ("POST", "/api/v1/items", dict(item, site_id=12), "site_id", 422),
        ("POST", "/api/v1/items", dict(item, markings="x"), "markings", 422),
        ("POST", "/api/v1/items", dict(item, serial="S" * 100000), "serial", 422),
        ("POST", "/api/v1/items", dict(item, make=LONG), "make", 422),
        ("POST", "/api/v1/items", dict(item, notes="N" * 500000), "notes", 422),
        # POST /sites
        ("POST", "/api/v1/sites", {"kind": "depot"}, "name", 422),
        ("POST", "/api/v1/sites", dict(site, name=5), "name", 422),
        ("POST", "/api/v1/sites", dict(site, kind="castle"), "kind", 422),
        ("POST", "/api/v1/sites", dict(site, lat="north"), "lat", 422),
        ("POST", "/api/v1/sites", dict(site, lat=91, lon=0), "lat", 422),
        ("POST", "/api/v1/sites", dict(site, name=LONG), "name", 422),
        # POST /holders
        ("POST", "/api/v1/holders", {"name": "Unit"}, "type", 422),
        ("POST", "/api/v1/holders", dict(holder, type="pirate"), "type", 422),
        ("POST", "/api/v1/holders", dict(holder, name=["Unit"]), "name", 422),
        # POST /items/{id}/status
        ("POST", st, {"reason": "x"}, "status", 422),
        ("POST", st, {"status": 5}, "status", 422),
        ("POST", st, {"status": "vanished", "reason": "x"}, "status", 422),
        ("POST", st, {"status": "stolen"}, "reason", 422),
        ("POST", st, dict(change, reason=7), "reason", 422),
        ("POST", st, dict(change, certificate=5), "certificate", 422),
        # a reason's message id is the server's own wording, never a client's
        ("POST", st, dict(change, reason_msg={"message_id": "stock.destroyed_in_batch", "args": ["x", "y"]}),
         "reason_msg", 422),
        # POST /users
        ("POST", "/api/v1/users", {"name": "never", "role": "viewer"}, "password", 422),
        ("POST", "/api/v1/users", dict(user, password=5), "password", 422),
        ("POST", "/api/v1/users", dict(user, password="short"), "password", 422),
        ("POST", "/api/v1/users", dict(user, role="boss"), "role", 422),
        ("POST", "/api/v1/users", dict(user, name="two words"), "name", 422),
        ("POST", "/api/v1/users", dict(user, sites="everywhere"), "sites", 422),
        # POST /tokens
        ("POST", "/api/v1/tokens", {"role": "viewer"}, "name", 422),
        ("POST", "/api/v1/tokens", {"name": "never"}, "role", 422),
        ("POST", "/api/v1/tokens", dict(token, role="boss"), "role", 422),
        ("POST", "/api/v1/tokens", dict(token, name="n" * 65), "name", 422),
        # PATCH /users/{id}, PUT /users/{id}/password
        ("PATCH", pu, {"role": "boss"}, "role", 422),
        ("PATCH", pu, {"role": 5}, "role", 422),
        ("PATCH", pu, {"disabled": "yes"}, "disabled", 422),
        ("PATCH", pu, {"name": "renamed"}, "name", 422),
        ("PATCH", pu, {"password": "a new long password"}, "password", 422),
        ("PUT", pw, {}, "password", 422),
        ("PUT", pw, {"password": 5}, "password", 422),
        ("PUT", pw, {"password": "short"}, "password", 422),
    ]
    # SQL metacharacters where the value must be a known word, code or id
    for v in SQL[:2]:
        cases += [
            ("POST", "/api/v1/items", dict(item, id=v), "id", 422),
            ("POST", "/api/v1/items", dict(item, category=v), "category", 422),
            ("POST", "/api/v1/items", dict(item, country=v), "country", 422),
            ("POST", "/api/v1/items", dict(item, status=v), "status", 422),
            ("POST", "/api/v1/items", dict(item, site_id=v), "site_id", 422),
            ("POST", "/api/v1/items", dict(item, holder_id=v), "holder_id", 422),
            ("POST", "/api/v1/items", dict(item, import_marks=[{"country": v}]), "import_marks[0].country", 422),
            ("POST", "/api/v1/sites", dict(site, kind=v), "kind", 422),
            ("POST", "/api/v1/sites", dict(site, country=v), "country", 422),
            ("POST", "/api/v1/sites", dict(site, parent_id=v), "parent_id", 422),
            ("POST", "/api/v1/holders", dict(holder, type=v), "type", 422),
            ("POST", "/api/v1/holders", dict(holder, country=v), "country", 422),
            ("POST", st, dict(change, status=v), "status", 422),
            ("POST", "/api/v1/users", dict(user, name=v), "name", 422),
            ("POST", "/api/v1/users", dict(user, role=v), "role", 422),
            ("POST", "/api/v1/users", dict(user, sites=[v]), "sites", {404, 422}),
            ("POST", "/api/v1/tokens", dict(token, name=v), "name", 422),
            ("POST", "/api/v1/tokens", dict(token, role=v), "role", 422),
            ("POST", "/api/v1/tokens", dict(token, sites=[v]), "sites", {404, 422}),
            ("PATCH", pu, {"role": v}, "role", 422),
            ("PATCH", pu, {"sites": [v]}, "sites", {404, 422}),
        ]
    for method, path, body, field, status in cases:
        shown = json.dumps(body, ensure_ascii=False)
        shown = shown if len(shown) < 90 else shown[:80] + "…"
        c.bad(f"{method} {path} {shown}: 4xx naming {field}", method, path, body=body, status=status, field=field)

    # ids in the path: metacharacters name nothing
    for v in SQL[:2]:
        e = urllib.parse.quote(v, safe="")
        for method, path, body in [("GET", f"/api/v1/items/{e}", None), ("GET", f"/api/v1/items/{e}/history", None),
                                   ("POST", f"/api/v1/items/{e}/status", change),
                                   ("GET", f"/api/v1/sites/{e}", None), ("GET", f"/api/v1/holders/{e}", None),
                                   ("GET", f"/api/v1/users/{e}", None),
                                   ("PATCH", f"/api/v1/users/{e}", {"role": "viewer"}),
                                   ("PUT", f"/api/v1/users/{e}/password", {"password": "never a password"}),
                                   ("DELETE", f"/api/v1/tokens/{e}", None)]:
            c.bad(f"{method} {urllib.parse.unquote(path)}: 404", method, path, body=body, status=404)


def check_sql_as_data(c, ids):
    """Metacharacters in free text are data: stored and read back as sent,
    one event per record, and the registry still proves intact."""
    tap, srv, admin = c.tap, c.srv, c.admin
    n = 0
    for field in ("make", "model", "calibre", "serial", "notes"):
        for v in SQL:
            n += 1
            body = {"category": "SA1", "make": "Colt", "serial": f"SQL-{n}", "country": "US", field: v}
            before = c.events()
            resp = srv.post("/api/v1/items", body, admin)
            ok = resp.status == 201 and c.events() == before + 1
            back = srv.get(f"/api/v1/items/{resp.json['id']}", admin).json if ok else {}
            tap.ok(ok and back.get(field) == v, f"POST /items with {field} {v!r}: stored as sent (one event)",
                   repr(resp), f"read back: {back.get(field)!r}")
    for path, kind, fields in [("/api/v1/sites", {"kind": "depot"}, ("name", "notes")),
                               ("/api/v1/holders", {"type": "civilian"}, ("name", "licence", "address"))]:
        for field in fields:
            v = SQL[len(field) % len(SQL)]
            body = dict(kind, name=f"SQL {field}")
            body[field] = v
            before = c.events()
            resp = srv.post(path, body, admin)
            ok = resp.status == 201 and c.events() == before + 1
            back = srv.get(f"{path}/{resp.json['id']}", admin).json if ok else {}
            tap.ok(ok and back.get(field) == v, f"POST {path} with {field} {v!r}: stored as sent (one event)",
                   repr(resp), f"read back: {back}")
    resp = srv.post(f"/api/v1/items/{ids['item']}/status",
                    {"status": "issued", "reason": SQL[0], "document": SQL[1]}, admin)
    hist = srv.get(f"/api/v1/items/{ids['item']}/history", admin).json["events"]
    tap.ok(resp.status == 200 and SQL[0] in json.dumps(hist[-1], ensure_ascii=False),
           "POST /items/{id}/status with a reason full of metacharacters: recorded as sent", repr(resp), hist[-1:])
    last = hist[-1] if hist else {}
    tap.ok(last.get("type") == "item.status_changed" and last.get("payload", {}).get("reason") == SQL[0]
           and last["payload"].get("to") == "issued" and "summary" in last,
           "its history entry gives the event's type and payload as data beside the summary", last)
    resp = srv.get("/api/v1/items" + q(make=SQL[0], limit=1000), admin)
    tap.ok(resp.status == 200 and [i["make"] for i in resp.json["items"]] == [SQL[0]],
           "GET /items?make=<metacharacters> finds only the weapon with that very make", repr(resp))
    resp = srv.get("/api/v1/verify", admin)
    tap.ok(resp.status == 200 and resp.json["intact"], "the ledger and projections are intact", repr(resp))


def check_query_params(c, ids):
    """Every string query parameter with metacharacters, a literal %00, a
    real encoded NUL, invalid UTF-8 and a very long value: a 4xx naming the
    parameter, or (for free text) an answer that holds only literal
    matches; never a 5xx, never a change."""
    tap, srv, admin = c.tap, c.srv, c.admin
    def literal(path, param, v, resp):
        """Why a 200 answer is wider than the literal value allows, or None."""
        j = resp.json
        if path.endswith("explain"):
            return None if j.get("serial") == v else f"explained {j.get('serial')!r}"
        if path.endswith("search"):
            if param == "serial":  # the serial searched for is the one sent
                return None if j["query"]["serial"] == v else f"searched for {j['query']['serial']!r}"
            return None  # a search narrowed by make, model, calibre or country
        if param in ("status", "site", "make", "category"):
            key = {"site": "site_id"}.get(param, param)
            wrong = [i["id"] for i in j["items"] if (i[key] or "").casefold() != v.casefold()]
            return f"items not matching {param}={v!r}: {wrong[:5]}" if wrong else None
        if param == "after":
            wrong = [i["id"] for i in j["items"] if i["id"] <= v]
            return f"items not after {v!r}: {wrong[:5]}" if wrong else None
        if param == "subject":
            wrong = [e["seq"] for e in j["events"] if e["subject"] != v]
            return f"events of another subject: {wrong[:5]}" if wrong else None
        return None

    params = [("/api/v1/search", "serial", {}), ("/api/v1/search", "make", {"serial": "X"}),
              ("/api/v1/search", "model", {"serial": "X"}), ("/api/v1/search", "calibre", {"serial": "X"}),
              ("/api/v1/search", "country", {"serial": "X"}), ("/api/v1/search/explain", "serial", {}),
              ("/api/v1/items", "status", {}), ("/api/v1/items", "site", {}), ("/api/v1/items", "make", {}),
              ("/api/v1/items", "category", {}), ("/api/v1/items", "after", {}),
              ("/api/v1/events", "subject", {})]
    values = SQL[:2] + ["%00", LONG]
    for path, param, extra in params:
        for v in values:
            before = c.events()
            resp = srv.get(path + q(**extra, **{param: v}), admin)
            after = c.events()
            shown = repr(v) if len(v) < 40 else v[:10] + f"…({len(v)} chars)"
            if resp.status == 200:
                why = literal(path, param, v, resp)
            elif 400 <= resp.status < 500:
                e = resp.error()
                why = error_shape(resp) or (None if e.get("field") == param else f"does not name {param}: {e}")
            else:
                why = f"status {resp.status}"
            # raw events are a logged read: one record.read per answer
            logged = 1 if path == "/api/v1/events" and resp.status == 200 else 0
            if after != before + logged:
                why = f"events went from {before} to {after}"
            tap.ok(not why, f"GET {path}?{param}={shown}: {resp.status}, no wider than the value", why, repr(resp))
        base = path + (q(**extra) if extra else "")
        sep = "&" if extra else "?"
        c.bad(f"GET {path}?{param}=<an encoded NUL>: 400 naming {param}", "GET", f"{base}{sep}{param}=a%00b",
              status=400, field=param)
        c.bad(f"GET {path}?{param}=<invalid UTF-8>: 400 naming {param}", "GET", f"{base}{sep}{param}=%FF%FE",
              status=400, field=param)

    c.bad("a query parameter name in invalid UTF-8: 400", "GET", "/api/v1/items?%FF=1", status=400)
    for method, path, body in [("GET", "/api/v1/items?colour=red", None), ("GET", "/api/v1/health?verbose=1", None),
                               ("POST", "/api/v1/items?dry_run=1", {"category": "SA1"}),
                               ("GET", "/api/v1/search?serial=X&fuzzy=1", None),
                               ("POST", "/api/v1/import?skip=1", "category\nSA1\n")]:
        name = urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query)[-1][0]
        c.bad(f"{method} {path}: unknown query parameter: 400 naming {name}", method, path, body=body,
              ctype="text/csv" if "import" in path else None, status=400, field=name)
    for path, name in [("/api/v1/items?limit=abc", "limit"), ("/api/v1/items?limit=0", "limit"),
                       ("/api/v1/items?limit=99999999999999999999", "limit"),
                       ("/api/v1/search?serial=X&max_edits=9", "max_edits"),
                       ("/api/v1/events?after=-1", "after"), ("/api/v1/verify?chain_only=perhaps", "chain_only"),
                       ("/api/v1/export?format=xml", "format")]:
        c.bad(f"GET {path}: 400 naming {name}", "GET", path, status=400, field=name)
    c.bad("POST /api/v1/import?dry_run=maybe: 400 naming dry_run", "POST", "/api/v1/import?dry_run=maybe",
          body="category\nSA1\n", ctype="text/csv", status=400, field="dry_run")
    before = c.events()
    resp = srv.get("/api/v1/search" + q(serial="A" * 70000), admin)
    tap.ok(resp.status == 414 and c.events() == before, "a query string over 64 KiB: 414", repr(resp))


def check_oversized(c):
    tap, srv, admin = c.tap, c.srv, c.admin
    auth = {"Authorization": f"Bearer {admin}", "Content-Type": "application/json"}
    big = json.dumps({"category": "SA1", "make": "Colt", "serial": "BIG-1", "country": "US",
                      "notes": "x" * (1 << 20)}).encode()
    for chunked in (False, True):
        how = "chunked" if chunked else "with a Content-Length"
        before = c.events()
        resp = srv.raw("POST", "/api/v1/items", auth, big, chunked)
        tap.ok(resp and resp.status == 413 and resp.error().get("code") == "too_large" and not error_shape(resp)
               and c.events() == before, f"a JSON body over 1 MiB ({how}): 413 too_large, nothing recorded",
               repr(resp))
    # a JSON body over --max-body but under 1 MiB is read: the two limits differ
    resp = srv.post("/api/v1/items", {"category": "SA1", "make": "Colt", "serial": "BIG-2", "country": "US",
                                      "notes": "x" * (2 * MAX_BODY)}, admin)
    tap.ok(resp.status == 422 and resp.error().get("field") == "notes",
           "a JSON body over --max-body but under 1 MiB is read (422 for its too long notes)", repr(resp))
    rows = "".join(f"SA1,Colt,BIGIMPORT-{i:06d},US\n" for i in range(MAX_BODY // 20)).encode()
    csv = b"category,make,serial,country\n" + rows
    assert len(csv) > MAX_BODY
    auth["Content-Type"] = "text/csv"
    for chunked in (False, True):
        how = "chunked" if chunked else "with a Content-Length"
        before = c.events()
        resp = srv.raw("POST", "/api/v1/import", auth, csv, chunked)
        tap.ok(resp and resp.status == 413 and resp.error().get("code") == "too_large" and c.events() == before,
               f"an import over --max-body ({how}): 413 too_large, nothing imported", repr(resp))
    resp = srv.get("/api/v1/items" + q(make="Colt", limit=1000), admin)
    tap.ok(not [i for i in resp.json["items"] if i["serial"].startswith("BIG")],
           "no weapon of the refused bodies was registered")


def check_import(c):
    tap, srv, admin = c.tap, c.srv, c.admin
    head = "category,make,model,calibre,serial,country\n"

    def imp(body, **params):
        return srv.request("POST", "/api/v1/import" + (q(**params) if params else ""), body=body,
                           ctype="text/csv", token=admin)

    def serials(prefix):
        items = srv.get("/api/v1/items" + q(limit=1000), admin).json["items"]
        return sorted(i["serial"] for i in items if i["serial"] and i["serial"].startswith(prefix))

    bad = (head + "SA1,Colt,M1911A1,.45 ACP,IMP-GOOD-1,US\n" + "SA9,Colt,M1911A1,.45 ACP,IMP-BAD-1,US\n" +
           "SA1,Colt,M1911A1,.45 ACP,IMP-BAD-2,XX\n").encode() + b"SA1,Co\xfflt,M1911A1,.45 ACP,IMP-BAD-3,US\n"
    before = c.events()
    resp = imp(bad)
    j = resp.json or {}
    lines = sorted((e.get("line"), e.get("column")) for e in j.get("errors", []))
    tap.ok(resp.status == 422 and j.get("error", {}).get("code") == "invalid" and
           isinstance(j["error"].get("message"), str), "an import with bad rows: 422 with an error", repr(resp))
    tap.eq(lines, [(3, "category"), (4, "country"), (5, "make")], "... every bad row reported by line and column")
    tap.eq((j.get("rows"), j.get("imported"), j.get("rejected")), (4, 0, 3),
           "... the report says 4 rows, 0 imported, 3 rejected")
    said = [catalogued(e) for e in [j.get("error", {})] + j.get("errors", [])]
    tap.ok(len(said) == 4 and not any(said), "... the error and every row's reason carry a message_id of the "
           "console's catalogue and the args that fill it", said, j)
    tap.ok(c.events() == before and serials("IMP-") == [], "... and nothing was imported, not even the good row")

    good = head + "".join(f"SA2,Kalashnikov,AKM,7.62x39mm,IMP-OK-{i},SUHH\n" for i in range(7))
    before = c.events()
    resp = imp(good, dry_run="true")
    tap.ok(resp.status == 200 and resp.json["dry_run"] is True and resp.json["rows"] == 7,
           "a dry run of a good file: 200", repr(resp))
    tap.ok(c.events() == before and serials("IMP-") == [], "... and it imported nothing")
    resp = imp(bad, dry_run="true")
    tap.ok(resp.status == 422 and c.events() == before, "a dry run of a bad file: 422, nothing imported", repr(resp))

    resp = imp(good)
    tap.ok(resp.status == 200 and resp.json["imported"] == 7, "a good file: 200, 7 imported", repr(resp))
    tap.eq(c.events(), before + 7, "... the event count grew by exactly its 7 events")
    tap.eq(serials("IMP-OK-"), [f"IMP-OK-{i}" for i in range(7)], "... and its weapons are listed")

    before = c.events()
    resp = imp((head + f"SA1,{SQL[1]},M1,9mm,IMP-SQL-1,US\n" + "SA1,Colt,M1,9mm,IMP-SQL-2,US\n").replace(
        SQL[1], '"' + SQL[1].replace('"', '""') + '"'))
    tap.ok(resp.status == 200 and c.events() == before + 2, "an import with metacharacters in a make: 2 events",
           repr(resp))
    tap.eq(serials("IMP-SQL-"), ["IMP-SQL-1", "IMP-SQL-2"], "... both weapons are listed")
    items = srv.get("/api/v1/items" + q(make=SQL[1]), admin).json["items"]
    tap.ok("IMP-SQL-1" in [i["serial"] for i in items], "... and the make is kept as sent", items)

    for what, body, ctype, status in [("an empty body", b"", "text/csv", 400),
                                      ("an unknown column", b"category,colour\nSA1,red\n", "text/csv", 422),
                                      ("a broken registry JSON", b'{"sites": [', "application/json", {400, 422}),
                                      ("binary junk", bytes(range(1, 256)) * 4, "application/octet-stream",
                                       {400, 415, 422})]:
        before = c.events()
        resp = srv.request("POST", "/api/v1/import", body=body, ctype=ctype, token=admin)
        want = {status} if isinstance(status, int) else status
        e = resp.error()
        tap.ok(resp.status in want and isinstance(e.get("code"), str) and isinstance(e.get("message"), str) and
               c.events() == before, f"an import of {what}: {resp.status}, nothing imported", repr(resp))


def check_static(c):
    tap, srv = c.tap, c.srv
    paths = ["/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/index.html/../../x", "/..%2f..%2fetc%2fpasswd",
             "/.%2e/.%2e/etc/passwd", "//etc/passwd", "/etc/passwd", "/web/index.html", "/static/../../../etc/passwd",
             "/index.html%00.txt", "/%00", "/app.js%00.png", "/api/v1/health%00x", "/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
             "/%c0%ae%c0%ae/etc/passwd", "/index.html%2f..%2f..%2fetc%2fpasswd", "/~root/.ssh/id_rsa"]
    for p in paths:
        resp = srv.request("GET", p)
        why = []
        if resp.status not in (400, 404):
            why.append(f"status {resp.status}")
        if b"root:" in resp.body or b"<html" in resp.body.lower() or b"function" in resp.body:
            why.append("the body is a file")
        if error_shape(resp):
            why.append(error_shape(resp))
        tap.ok(not why, f"GET {p}: {resp.status}, an error and never a file", *why, repr(resp))


def test(tap):
    reg = Registry()
    reg.demo(300)
    admin, _ = reg.token("input-admin", "admin")
    user_id = reg.user("input-user", "viewer", "input user password")
    srv = Server(reg, "--max-body", str(MAX_BODY))
    c = Checker(tap, srv, admin)
    items = srv.get("/api/v1/items" + q(status="in_store", limit=1), admin).json["items"]
    ids = {"item": items[0]["id"], "user": user_id}

    check_json_bodies(c, ids)
    check_fields(c, ids)
    check_sql_as_data(c, ids)
    check_query_params(c, ids)
    check_oversized(c)
    check_import(c)
    check_static(c)
    resp = srv.get("/api/v1/verify", admin)
    tap.ok(resp.status == 200 and resp.json["intact"], "the ledger is intact after all of it", repr(resp))
    tap.eq(srv.stop(), 0, "SIGTERM stops the server with exit code 0", srv.stderr())


if __name__ == "__main__":
    sys.exit(main(test))
