#!/usr/bin/env python3
"""e2e-http-matrix: who may call which route of `wam serve`.

Every route is sent as each of the seven roles (a bearer token each) and
with no credentials, and the answer is checked against TABLE below — kept
here, not read from the server, so a change to the server's rules has to be
made twice to pass. A role in a row's set gets a 2xx (the requests are
valid); a role outside it gets 403 `forbidden`; no credentials get 401 on
every route that is not public. The table must list exactly the routes
`wam serve --routes --json` prints, so a new route cannot go untested.

Then site confinement: tokens confined to site A see only site A's weapons
and site, get 404 for another site's weapon (reading or changing it, and
nothing is recorded), 403 for registering at another site, only site A
candidates from a search, and 403 from every route that covers the whole
registry.
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import ROLES, Registry, Server, error_shape, main, q  # noqa: E402

EVERYONE = frozenset(ROLES)
PUBLIC = "public"  # no sign-in needed: every caller, and no one, gets an answer
NO_TOKEN = frozenset()  # signed-in users only: a token has no password to change
TRACE = frozenset({"registrar", "tracer", "monitor", "source_handler", "licensing", "admin"})  # the trace action
TRACE_CONFIDENTIAL = frozenset({"tracer", "admin"})  # restricted and confidential responses in full
LICENSE = frozenset({"licensing", "admin"})  # the license and license_decide actions
SHIP = frozenset({"registrar", "licensing", "admin"})  # the ship action
EMBARGO = frozenset({"licensing", "admin"})  # the embargo action: embargoes, exemptions, notices, sanctions
MONITOR = frozenset({"monitor", "source_handler", "admin"})  # the monitor action: observations, findings, packs
SUBMIT_REPORT = frozenset({"licensing", "admin"})  # the submit_report action: international reports sent

# method, path, who may call it, refused to callers confined to sites
TABLE = [
    ("GET", "/api/v1/health", PUBLIC, False),
    ("POST", "/api/v1/session", PUBLIC, False),
    ("GET", "/api/v1/session", EVERYONE, False),
    ("DELETE", "/api/v1/session", EVERYONE, False),
    ("PUT", "/api/v1/session/password", NO_TOKEN, False),
    ("DELETE", "/api/v1/session/all", NO_TOKEN, False),
    ("GET", "/api/v1/vocabulary", EVERYONE, False),
    ("GET", "/api/v1/countries", EVERYONE, False),
    ("GET", "/api/v1/suggest", EVERYONE, False),
    ("GET", "/api/v1/user-names", EVERYONE, False),
    ("POST", "/api/v1/photos", TRACE, True),
    ("GET", "/api/v1/photos/{hash}", TRACE, True),

    ("GET", "/api/v1/items", EVERYONE, False),
    ("POST", "/api/v1/items", {"registrar", "admin"}, False),
    ("GET", "/api/v1/items/{id}", EVERYONE, False),
    ("GET", "/api/v1/items/{id}/markings", EVERYONE, False),
    ("GET", "/api/v1/items/{id}/history", EVERYONE, False),
    ("GET", "/api/v1/items/{id}/integrity", EVERYONE, False),
    ("GET", "/api/v1/items/{id}/links", EVERYONE, False),
    ("POST", "/api/v1/items/{id}/status", {"registrar", "armourer", "admin"}, False),
    ("POST", "/api/v1/items/{id}/attach", {"registrar", "admin"}, False),
    ("GET", "/api/v1/export-proposals", EVERYONE, False),
    ("POST", "/api/v1/export-proposals", {"registrar", "armourer", "admin"}, False),
    ("GET", "/api/v1/export-proposals/{id}", EVERYONE, False),
    ("POST", "/api/v1/export-proposals/{id}/confirm", {"registrar", "admin"}, False),
    ("POST", "/api/v1/export-proposals/{id}/withdraw", {"registrar", "armourer", "admin"}, False),

    ("GET", "/api/v1/sites", EVERYONE, False),
    ("POST", "/api/v1/sites", {"registrar", "admin"}, True),
    ("GET", "/api/v1/sites/{id}", EVERYONE, False),
    ("GET", "/api/v1/holders", EVERYONE, False),
    ("POST", "/api/v1/holders", {"registrar", "admin"}, False),
    ("GET", "/api/v1/holders/{id}", EVERYONE, False),

    ("GET", "/api/v1/search", EVERYONE, False),
    ("GET", "/api/v1/search/explain", EVERYONE, False),
    ("GET", "/api/v1/search/ammunition", EVERYONE, False),
    ("GET", "/api/v1/summary", EVERYONE, False),
    ("GET", "/api/v1/todo", EVERYONE, False),

    ("POST", "/api/v1/import", {"registrar", "admin"}, True),
    ("GET", "/api/v1/export", {"registrar", "auditor", "admin"}, True),
    ("GET", "/api/v1/verify", {"auditor", "admin"}, True),
    ("GET", "/api/v1/events", {"auditor", "admin"}, True),

    ("GET", "/api/v1/users", {"admin"}, True),
    ("POST", "/api/v1/users", {"admin"}, True),
    ("GET", "/api/v1/users/{id}", {"admin"}, True),
    ("PATCH", "/api/v1/users/{id}", {"admin"}, True),
    ("PUT", "/api/v1/users/{id}/password", {"admin"}, True),
    ("GET", "/api/v1/tokens", {"admin"}, True),
    ("POST", "/api/v1/tokens", {"admin"}, True),
    ("DELETE", "/api/v1/tokens/{id}", {"admin"}, True),

    # stock: ammunition lots, locations and moves, custody
    ("GET", "/api/v1/lots", EVERYONE, False),
    ("POST", "/api/v1/lots", {"armourer", "admin"}, False),
    ("GET", "/api/v1/lots/expiring", EVERYONE, False),
    ("GET", "/api/v1/lots/{id}", EVERYONE, False),
    ("GET", "/api/v1/lots/{id}/history", EVERYONE, False),
    ("POST", "/api/v1/lots/{id}/receipts", {"armourer", "admin"}, False),
    ("POST", "/api/v1/lots/{id}/issues", {"armourer", "admin"}, False),
    ("POST", "/api/v1/lots/{id}/split", {"armourer", "admin"}, False),
    ("POST", "/api/v1/lots/{id}/condition", {"armourer", "admin"}, False),
    ("GET", "/api/v1/sites/{id}/compatibility", EVERYONE, False),
    ("GET", "/api/v1/sites/{id}/tree", EVERYONE, False),
    ("PUT", "/api/v1/sites/{id}/custody-rule", {"armourer", "admin"}, False),
    ("POST", "/api/v1/items/{id}/move", {"armourer", "admin"}, False),
    ("GET", "/api/v1/custody", {"armourer", "admin"}, False),
    ("POST", "/api/v1/custody", {"armourer", "admin"}, False),
    ("GET", "/api/v1/custody/overdue", {"armourer", "admin"}, False),
    ("GET", "/api/v1/custody/{id}", {"armourer", "admin"}, False),
    ("POST", "/api/v1/custody/{id}/confirm", {"armourer", "admin"}, False),
    ("POST", "/api/v1/custody/{id}/return", {"armourer", "admin"}, False),

    # stock checks
    ("GET", "/api/v1/checks", EVERYONE, False),
    ("POST", "/api/v1/checks", {"armourer", "admin"}, False),
    ("GET", "/api/v1/checks/investigations", EVERYONE, False),
    ("POST", "/api/v1/checks/investigations/{id}/resolve", {"registrar", "admin"}, False),
    ("GET", "/api/v1/checks/{id}", EVERYONE, False),
    ("POST", "/api/v1/checks/{id}/reads", {"armourer", "admin"}, False),
    ("POST", "/api/v1/checks/{id}/close", {"armourer", "admin"}, False),
    # field collection
    ("GET", "/api/v1/recoveries", EVERYONE, True),
    ("POST", "/api/v1/recoveries", {"registrar", "armourer", "admin"}, True),
    ("GET", "/api/v1/recoveries/{id}", EVERYONE, True),
    ("POST", "/api/v1/recoveries/{id}/handovers", {"registrar", "armourer", "admin"}, True),
    ("POST", "/api/v1/recoveries/{id}/ammunition/{line}/stock", {"armourer", "admin"}, True),
    ("POST", "/api/v1/recoveries/{id}/photos", {"registrar", "armourer", "admin"}, True),
    ("GET", "/api/v1/recoveries/{id}/photos/{hash}", EVERYONE, True),
    ("GET", "/api/v1/tasks", EVERYONE, True),
    ("POST", "/api/v1/tasks/{id}/mark", {"registrar", "armourer", "admin"}, True),

    # destruction
    ("GET", "/api/v1/destructions", EVERYONE, True),
    ("POST", "/api/v1/destructions", {"registrar", "armourer", "admin"}, True),
    ("GET", "/api/v1/destructions/{id}", EVERYONE, True),
    ("POST", "/api/v1/destructions/{id}/items", {"registrar", "armourer", "admin"}, True),
    ("POST", "/api/v1/destructions/{id}/recovered", {"registrar", "armourer", "admin"}, True),
    ("POST", "/api/v1/destructions/{id}/people", {"registrar", "armourer", "admin"}, True),
    ("POST", "/api/v1/destructions/{id}/verify", {"registrar", "armourer", "admin"}, True),
    # any signed-in caller reaches it; only a verifier named in the batch, in
    # their own session, confirms (a token is refused by libwam: 403)
    ("POST", "/api/v1/destructions/{id}/confirm", EVERYONE, True),
    ("POST", "/api/v1/destructions/{id}/close", {"registrar", "armourer", "admin"}, True),
    ("GET", "/api/v1/destructions/{id}/certificate", EVERYONE, True),

    # tracing: losses, hits (the owner site's inbox), origins, trace
    # requests, exchange between registries, SDG 16.4.2
    ("GET", "/api/v1/losses", EVERYONE, True),
    ("POST", "/api/v1/losses", TRACE, True),
    ("GET", "/api/v1/losses/export", TRACE, True),
    ("GET", "/api/v1/hits", EVERYONE, False),
    ("POST", "/api/v1/hits/scan", TRACE, True),
    ("GET", "/api/v1/hits/{id}", EVERYONE, False),
    ("POST", "/api/v1/hits/{id}/decision", TRACE, False),
    ("POST", "/api/v1/items/{id}/origin", TRACE, True),
    ("GET", "/api/v1/traces", TRACE, True),
    ("POST", "/api/v1/traces", TRACE, True),
    ("POST", "/api/v1/traces/quality", TRACE, True),
    ("POST", "/api/v1/traces/import", TRACE, True),
    ("GET", "/api/v1/traces/{id}", TRACE, True),
    ("PATCH", "/api/v1/traces/{id}", TRACE, True),
    ("GET", "/api/v1/traces/{id}/quality", TRACE, True),
    ("POST", "/api/v1/traces/{id}/send", TRACE, True),
    ("POST", "/api/v1/traces/{id}/acknowledge", TRACE, True),
    ("POST", "/api/v1/traces/{id}/responses", TRACE, True),
    ("POST", "/api/v1/traces/{id}/close", TRACE, True),
    ("GET", "/api/v1/traces/{id}/export", TRACE, True),
    ("GET", "/api/v1/node", TRACE, True),
    ("GET", "/api/v1/peers", TRACE, True),
    ("POST", "/api/v1/peers", {"admin"}, True),
    ("POST", "/api/v1/peers/{id}/revoke", {"admin"}, True),
    ("GET", "/api/v1/reports/sdg-16-4-2", EVERYONE, False),
    ("GET", "/api/v1/reports/sdg-16-4-2/records", EVERYONE, False),

    # transfers: every route national
    ("GET", "/api/v1/licences", EVERYONE, True),
    ("POST", "/api/v1/licences", LICENSE, True),
    ("GET", "/api/v1/licences/{id}", EVERYONE, True),
    ("POST", "/api/v1/licences/{id}/assessment", LICENSE, True),
    ("POST", "/api/v1/licences/{id}/issue", LICENSE, True),
    ("POST", "/api/v1/licences/{id}/state", LICENSE, True),
    ("GET", "/api/v1/eucs", EVERYONE, True),
    ("POST", "/api/v1/eucs", LICENSE, True),
    ("GET", "/api/v1/eucs/{id}", EVERYONE, True),
    ("POST", "/api/v1/eucs/{id}/verifications", LICENSE, True),
    ("POST", "/api/v1/eucs/{id}/checks", SHIP, True),
    ("GET", "/api/v1/shipments", EVERYONE, True),
    ("POST", "/api/v1/shipments", SHIP, True),
    ("GET", "/api/v1/shipments/{id}", EVERYONE, True),
    ("POST", "/api/v1/shipments/{id}/delivery", SHIP, True),
    ("GET", "/api/v1/brokers", EVERYONE, True),
    ("POST", "/api/v1/brokers", LICENSE, True),
    ("GET", "/api/v1/brokers/{id}", EVERYONE, True),
    ("POST", "/api/v1/brokers/{id}/state", LICENSE, True),
    ("GET", "/api/v1/diversions", EVERYONE, True),
    ("GET", "/api/v1/diversions/{id}", EVERYONE, True),
    ("POST", "/api/v1/diversions/{id}/trace", TRACE, True),
    ("POST", "/api/v1/diversions/{id}/close", SHIP, True),
    ("POST", "/api/v1/screening", LICENSE, True),
    ("GET", "/api/v1/transfer-records", EVERYONE, True),

    # embargoes and sanctions: every route national, reads `read`, changes `embargo`
    ("GET", "/api/v1/regimes", EVERYONE, True),
    ("POST", "/api/v1/regimes/import", EMBARGO, True),
    ("GET", "/api/v1/regimes/{id}", EVERYONE, True),
    ("GET", "/api/v1/embargo-check", EVERYONE, True),
    ("GET", "/api/v1/embargoes", EVERYONE, True),
    ("POST", "/api/v1/embargoes", EMBARGO, True),
    ("POST", "/api/v1/embargoes/{id}/lift", EMBARGO, True),
    ("GET", "/api/v1/exemptions", EVERYONE, True),
    ("POST", "/api/v1/exemptions", EMBARGO, True),
    ("GET", "/api/v1/exemptions/{id}", EVERYONE, True),
    ("POST", "/api/v1/exemptions/{id}/decision", EMBARGO, True),
    ("GET", "/api/v1/exemptions/{id}/notice", EVERYONE, True),
    ("GET", "/api/v1/notices", EVERYONE, True),
    ("GET", "/api/v1/notices/{id}", EVERYONE, True),
    ("POST", "/api/v1/notices/{id}/sent", EMBARGO, True),
    ("GET", "/api/v1/notices/{id}/document", EVERYONE, True),
    ("POST", "/api/v1/sanctions/import", EMBARGO, True),
    ("GET", "/api/v1/sanctions/imports", EVERYONE, True),
    ("GET", "/api/v1/sanctions/entries", EVERYONE, True),
    ("GET", "/api/v1/sanctions/entries/{id}", EVERYONE, True),
    ("GET", "/api/v1/sanctions/screen", EVERYONE, True),
    ("POST", "/api/v1/sanctions/screen", EVERYONE, True),
    ("GET", "/api/v1/sanctions/alerts", EVERYONE, True),
    ("GET", "/api/v1/sanctions/alerts/{id}", EVERYONE, True),
    ("POST", "/api/v1/sanctions/alerts/{id}/clear", EMBARGO, True),
    ("POST", "/api/v1/sanctions/alerts/{id}/confirm", EMBARGO, True),

    # embargo monitoring: every route national and the monitor's; drafting a
    # trace request from an observation needs trace as well
    ("POST", "/api/v1/observations", MONITOR, True),
    ("GET", "/api/v1/observations", MONITOR, True),
    ("GET", "/api/v1/observations/{id}", MONITOR, True),
    ("POST", "/api/v1/observations/{id}/items/{n}/trace", MONITOR & TRACE, True),
    ("POST", "/api/v1/findings", MONITOR, True),
    ("GET", "/api/v1/findings", MONITOR, True),
    ("GET", "/api/v1/findings/{id}", MONITOR, True),
    ("GET", "/api/v1/findings/{id}/rule", MONITOR, True),
    ("POST", "/api/v1/findings/{id}/links", MONITOR, True),
    ("DELETE", "/api/v1/findings/{id}/links/{target}", MONITOR, True),
    ("POST", "/api/v1/findings/{id}/corroborate", MONITOR, True),
    ("POST", "/api/v1/findings/{id}/report", MONITOR, True),
    ("GET", "/api/v1/findings/{id}/evidence-pack", MONITOR, True),
    ("POST", "/api/v1/evidence-packs/verify", MONITOR, True),
    ("GET", "/api/v1/profiles/actors", MONITOR, True),
    ("GET", "/api/v1/profiles/countries/{cc}", MONITOR, True),
    ("GET", "/api/v1/reports/committee", MONITOR, True),
    ("GET", "/api/v1/reports/submissions", EVERYONE, True),
    ("GET", "/api/v1/reports/submissions/{id}", EVERYONE, True),
    ("GET", "/api/v1/reports/{kind}", EVERYONE, True),
    ("GET", "/api/v1/reports/{kind}/records", EVERYONE, True),
    ("POST", "/api/v1/reports/{kind}/submissions", SUBMIT_REPORT, True),
    ("GET", "/api/v1/reports/{kind}/diff", EVERYONE, True),
]

CSV_HEADER = "category,make,model,calibre,serial,country\n"
# a trace request with everything rule R10 asks for
TRACE_REQUEST = {
    "reference": "MATRIX-TR", "requesting": {"state": "HT", "agency": "PNH", "contact": {"name": "Insp. Matrix"}},
    "requested": {"state": "US", "agency": "ATF"},
    "item": {"make": "Glock", "model": "17", "category": "SA1", "calibre": "9x19mm", "serial": "MTX4471",
             "country": "AT"},
    "illicit_reason": "illicit_national_law", "justification": "unlicensed possession, penal code art. 5",
    "intended_use": "criminal investigation", "recovery": {"date": "2026-02-01", "place": "matrix"}}
PNG = b"\x89PNG\r\n\x1a\n"  # the signature is all a photo needs to be taken
# transfers: a licence, its assessment, a broker, the country of an embargo
# per caller (every caller's records are its own)
COUNTRIES = dict(zip(("anon",) + ROLES, ("AF", "BI", "CD", "DJ", "ER", "GN", "GA", "KP", "LY", "ML")))
SETUP_COUNTRIES = dict(zip(COUNTRIES, ("AO", "BF", "CG", "DZ", "ET", "GW", "GM", "KH", "LR", "MM")))


def licence(number):
    return {"kind": "export", "number": number, "authority": "Matrix licensing office", "officer": "matrix",
            "valid_from": "2026-01-01", "valid_until": "2099-12-31",
            "parties": [{"role": "exporter", "name": "Matrix Arsenal", "country": "HT"},
                        {"role": "end_user", "name": "Matrix Police", "country": "SN"}],
            "lines": [{"goods": "weapons", "category": "SA1", "quantity": 10}]}


ASSESSMENT = {
    "prohibitions": {k: {"finding": "clear"} for k in ("embargo", "international_obligations", "atrocity_crimes")},
    "risks": {k: {"finding": "none"} for k in ("peace_security", "ihl", "human_rights", "terrorism", "organised_crime",
                                               "gender_based_violence", "diversion")},
    "decision": "approve", "reasons": "matrix", "officer": "matrix"}


def broker(registration):
    return {"name": f"Matrix Brokers {registration}", "country": "HT", "registration": registration,
            "activities": ["brokering"]}


def euc(licence_id, number):
    return {"licence_id": licence_id, "number": number, "issued": "2026-01-01", "expires": "2099-12-31",
            "authority": {"name": "Matrix ministry", "signatory": "M", "position": "Director", "stamp": True,
                          "authentication": "matrix"},
            "exporter": {"name": "Matrix Arsenal", "address": "Matrix road", "country": "HT"},
            "end_user": {"name": "Matrix Police", "position": "Chief", "address": "Dakar", "country": "SN",
                         "signed": True},
            "goods": [{"category": "SA1", "description": "pistols", "quantity": 10}],
            "contract": {"reference": "MTX-C", "date": "2026-01-01"}, "destination": "SN",
            "end_use": "police", "sole_use_assurance": True, "no_reexport_undertaking": True}


def requests(ids):
    """For each route, the request a caller (a role, or None) sends: path,
    body, content type, and the statuses that count as served. Everything
    a caller makes is named after it, so no two callers collide."""

    def who(c):
        return c or "anon"

    def r(path, body=None, ctype=None, ok=range(200, 300), refused_by=None):
        return {"path": path, "body": body, "ctype": ctype, "ok": ok, "refused_by": refused_by}

    item, site, holder = ids["item"], ids["site_a"], ids["holder"]
    return {
        ("GET", "/api/v1/health"): lambda c: r("/api/v1/health"),
        # a valid sign-in costs an Argon2 hash per caller; one without a
        # password is refused for its input (422), which is all that matters
        # here (http_session.py signs in for real)
        ("POST", "/api/v1/session"): lambda c: r("/api/v1/session", {"name": f"nobody-{who(c)}"}, ok={422}),
        ("GET", "/api/v1/session"): lambda c: r("/api/v1/session"),
        ("DELETE", "/api/v1/session"): lambda c: r("/api/v1/session"),
        ("PUT", "/api/v1/session/password"): lambda c: r("/api/v1/session/password",
                                                         {"current": "not a real one", "password": "not one either"}),
        ("DELETE", "/api/v1/session/all"): lambda c: r("/api/v1/session/all"),
        ("GET", "/api/v1/vocabulary"): lambda c: r("/api/v1/vocabulary"),
        ("GET", "/api/v1/countries"): lambda c: r("/api/v1/countries"),
        ("GET", "/api/v1/suggest"): lambda c: r("/api/v1/suggest" + q(field="make", prefix="B")),
        ("GET", "/api/v1/user-names"): lambda c: r("/api/v1/user-names"),
        ("POST", "/api/v1/photos"): lambda c: r("/api/v1/photos", PNG + b"store " + who(c).encode(), ctype="image/png"),
        ("GET", "/api/v1/photos/{hash}"): lambda c: r(f"/api/v1/photos/{ids['photo']}"),
        ("GET", "/api/v1/items"): lambda c: r("/api/v1/items" + q(limit=5)),
        ("POST", "/api/v1/items"): lambda c: r("/api/v1/items", {
            "category": "SA1", "make": "Beretta", "model": "92FS", "calibre": "9x19mm",
            "serial": f"MATRIX-{who(c)}", "country": "IT", "site_id": site}),
        ("GET", "/api/v1/items/{id}"): lambda c: r(f"/api/v1/items/{item}"),
        ("GET", "/api/v1/items/{id}/markings"): lambda c: r(f"/api/v1/items/{item}/markings"),
        ("GET", "/api/v1/items/{id}/history"): lambda c: r(f"/api/v1/items/{item}/history"),
        ("GET", "/api/v1/items/{id}/integrity"): lambda c: r(f"/api/v1/items/{item}/integrity"),
        ("GET", "/api/v1/items/{id}/links"): lambda c: r(f"/api/v1/items/{item}/links"),
        # each caller changes a weapon of its own, so the order of callers
        # does not matter
        ("POST", "/api/v1/items/{id}/status"): lambda c: r(f"/api/v1/items/{ids['in_store'][who(c)]}/status",
                                                           {"status": "issued", "reason": f"matrix {who(c)}"}),
        ("POST", "/api/v1/items/{id}/attach"): lambda c: r(f"/api/v1/items/{ids['parts'][who(c)]}/attach",
                                                           {"weapon_id": ids["parts_weapon"],
                                                            "reason": f"matrix {who(c)}"}),
        # what a role may do is all that is asked here: an unknown proposal
        # is 404 and a proposal without its reason 422 (http_collection.py
        # proposes and confirms for real)
        ("GET", "/api/v1/export-proposals"): lambda c: r("/api/v1/export-proposals"),
        ("POST", "/api/v1/export-proposals"): lambda c: r("/api/v1/export-proposals", {"item_id": item}, ok={422}),
        ("GET", "/api/v1/export-proposals/{id}"): lambda c: r("/api/v1/export-proposals/NOPE", ok={404}),
        ("POST", "/api/v1/export-proposals/{id}/confirm"): lambda c: r("/api/v1/export-proposals/NOPE/confirm", {},
                                                                       ok={404}),
        ("POST", "/api/v1/export-proposals/{id}/withdraw"): lambda c: r("/api/v1/export-proposals/NOPE/withdraw",
                                                                        {"reason": "matrix"}, ok={404}),
        ("GET", "/api/v1/sites"): lambda c: r("/api/v1/sites"),
        ("POST", "/api/v1/sites"): lambda c: r("/api/v1/sites", {"name": f"Matrix depot {who(c)}", "kind": "depot"}),
        ("GET", "/api/v1/sites/{id}"): lambda c: r(f"/api/v1/sites/{site}"),
        ("GET", "/api/v1/holders"): lambda c: r("/api/v1/holders"),
        ("POST", "/api/v1/holders"): lambda c: r("/api/v1/holders", {"name": f"Matrix unit {who(c)}",
                                                                      "type": "police"}),
        ("GET", "/api/v1/holders/{id}"): lambda c: r(f"/api/v1/holders/{holder}"),
        ("GET", "/api/v1/search"): lambda c: r("/api/v1/search" + q(serial=ids["item_serial"])),
        ("GET", "/api/v1/search/explain"): lambda c: r("/api/v1/search/explain" + q(serial="56-l234S67")),
        ("GET", "/api/v1/search/ammunition"): lambda c: r("/api/v1/search/ammunition" + q(headstamp="71 8l")),
        ("GET", "/api/v1/summary"): lambda c: r("/api/v1/summary"),
        ("GET", "/api/v1/todo"): lambda c: r("/api/v1/todo"),
        ("POST", "/api/v1/import"): lambda c: r("/api/v1/import", CSV_HEADER + (
            f"SA4,Norinco,Type 56,7.62x39mm,MATRIX-IMPORT-{who(c)},CN\n"), ctype="text/csv"),
        ("GET", "/api/v1/export"): lambda c: r("/api/v1/export" + q(format="csv")),
        ("GET", "/api/v1/verify"): lambda c: r("/api/v1/verify"),
        ("GET", "/api/v1/events"): lambda c: r("/api/v1/events" + q(limit=5)),
        ("GET", "/api/v1/users"): lambda c: r("/api/v1/users"),
        ("POST", "/api/v1/users"): lambda c: r("/api/v1/users", {"name": f"made-by-{who(c)}", "role": "viewer",
                                                                  "password": "a long enough password"}),
        ("GET", "/api/v1/users/{id}"): lambda c: r(f"/api/v1/users/{ids['user']}"),
        ("PATCH", "/api/v1/users/{id}"): lambda c: r(f"/api/v1/users/{ids['user']}", {"role": "tracer"}),
        ("PUT", "/api/v1/users/{id}/password"): lambda c: r(f"/api/v1/users/{ids['user']}/password",
                                                            {"password": "another long password"}),
        ("GET", "/api/v1/tokens"): lambda c: r("/api/v1/tokens"),
        # a token does not add tokens: the role passes the route, and libwam
        # refuses the token itself (403 naming token); a person adds them
        ("POST", "/api/v1/tokens"): lambda c: r("/api/v1/tokens", {"name": f"made-by-{who(c)}", "role": "viewer"},
                                                ok={403}, refused_by="token"),
        ("DELETE", "/api/v1/tokens/{id}"): lambda c: r(f"/api/v1/tokens/{ids['victim_token']}"),
        # stock: lots, moves, custody; each caller changes records of its own
        ("GET", "/api/v1/lots"): lambda c: r("/api/v1/lots"),
        ("POST", "/api/v1/lots"): lambda c: r("/api/v1/lots", {
            "nomenclature": "Cartridge 9x19mm", "lot_number": f"MATRIX-{who(c)}", "rounds": 100,
            "hazard_division": "1.4", "compat_group": "S", "site_id": site}),
        ("GET", "/api/v1/lots/expiring"): lambda c: r("/api/v1/lots/expiring" + q(days=90)),
        ("GET", "/api/v1/lots/{id}"): lambda c: r(f"/api/v1/lots/{ids['lot']}"),
        ("GET", "/api/v1/lots/{id}/history"): lambda c: r(f"/api/v1/lots/{ids['lot']}/history"),
        ("POST", "/api/v1/lots/{id}/receipts"): lambda c: r(f"/api/v1/lots/{ids['lot']}/receipts",
                                                            {"rounds": 10, "document": f"GRN {who(c)}"}),
        ("POST", "/api/v1/lots/{id}/issues"): lambda c: r(f"/api/v1/lots/{ids['lot']}/issues", {
            "rounds": 10, "recipient": f"unit {who(c)}", "document": f"ISS {who(c)}"}),
        ("POST", "/api/v1/lots/{id}/split"): lambda c: r(f"/api/v1/lots/{ids['lot']}/split",
                                                         {"rounds": 10, "site_id": ids["site_b"]}),
        ("POST", "/api/v1/lots/{id}/condition"): lambda c: r(f"/api/v1/lots/{ids['lot']}/condition", {
            "condition": {"armourer": "RESTRICTED", "admin": "SUSPENDED"}.get(c, "UNSERVICEABLE"),
            "reason": f"matrix {who(c)}"}),
        ("GET", "/api/v1/sites/{id}/compatibility"): lambda c: r(f"/api/v1/sites/{site}/compatibility"),
        ("GET", "/api/v1/sites/{id}/tree"): lambda c: r(f"/api/v1/sites/{site}/tree"),
        ("PUT", "/api/v1/sites/{id}/custody-rule"): lambda c: r(f"/api/v1/sites/{site}/custody-rule",
                                                                {"two_person": False}),
        ("POST", "/api/v1/items/{id}/move"): lambda c: r(f"/api/v1/items/{ids['to_move'][who(c)][0]}/move", {
            "to": ids["to_move"][who(c)][1], "reason": f"matrix {who(c)}"}),
        ("GET", "/api/v1/custody"): lambda c: r("/api/v1/custody"),
        ("POST", "/api/v1/custody"): lambda c: r("/api/v1/custody", {
            "item_id": ids["to_issue"][who(c)], "person": f"matrix {who(c)}", "unit": "matrix",
            "expected_return": "2099-01-01"}),
        ("GET", "/api/v1/custody/overdue"): lambda c: r("/api/v1/custody/overdue"),
        ("GET", "/api/v1/custody/{id}"): lambda c: r(f"/api/v1/custody/{ids['custody']}"),
        # a token never confirms a two-person act: the role passes the route,
        # and libwam refuses the token itself (403 naming confirmed_by)
        ("POST", "/api/v1/custody/{id}/confirm"): lambda c: r(f"/api/v1/custody/{ids['pending'][who(c)]}/confirm",
                                                              ok={403}, refused_by="confirmed_by"),
        ("POST", "/api/v1/custody/{id}/return"): lambda c: r(f"/api/v1/custody/{ids['open'][who(c)]}/return",
                                                             {"note": f"matrix {who(c)}"}),
        # stock checks: each caller closes and resolves records of its own
        ("GET", "/api/v1/checks"): lambda c: r("/api/v1/checks"),
        ("POST", "/api/v1/checks"): lambda c: r("/api/v1/checks", {
            "site_id": site, "type": "FULL_SERIAL", "checkers": ids["checkers"], "notes": f"matrix {who(c)}"}),
        ("GET", "/api/v1/checks/investigations"): lambda c: r("/api/v1/checks/investigations"),
        ("POST", "/api/v1/checks/investigations/{id}/resolve"): lambda c: r(
            f"/api/v1/checks/investigations/{ids['investigation'][who(c)]}/resolve",
            {"outcome": "written_off", "reason": f"matrix {who(c)}"}),
        ("GET", "/api/v1/checks/{id}"): lambda c: r(f"/api/v1/checks/{ids['check']}"),
        ("POST", "/api/v1/checks/{id}/reads"): lambda c: r(f"/api/v1/checks/{ids['check']}/reads",
                                                           {"reads": [f"MATRIX-READ-{who(c)}"]}),
        ("POST", "/api/v1/checks/{id}/close"): lambda c: r(f"/api/v1/checks/{ids['to_close'][who(c)]}/close"),
        # field collection: each caller records, hands over, photographs
        # and marks on records of its own
        ("GET", "/api/v1/recoveries"): lambda c: r("/api/v1/recoveries"),
        ("POST", "/api/v1/recoveries"): lambda c: r("/api/v1/recoveries", {
            "type": "found", "date": "2026-01-02", "officer": f"matrix {who(c)}",
            "weapons": [{"category": "SA1", "serial": f"RECOVERED-{who(c)}"}]}),
        ("GET", "/api/v1/recoveries/{id}"): lambda c: r(f"/api/v1/recoveries/{ids['recovery']}"),
        ("POST", "/api/v1/recoveries/{id}/handovers"): lambda c: r(f"/api/v1/recoveries/{ids['recovery']}/handovers",
                                                                   {"from": "matrix", "to": who(c), "reason": "test"}),
        # each caller takes rounds of an ammunition line of its own
        ("POST", "/api/v1/recoveries/{id}/ammunition/{line}/stock"): lambda c: r(
            f"/api/v1/recoveries/{ids['recovery']}/ammunition/{ids['ammo_line'][who(c)]}/stock",
            {"rounds": 10, "site_id": site, "lot_number": f"REC-{who(c)}"}),
        ("POST", "/api/v1/recoveries/{id}/photos"): lambda c: r(f"/api/v1/recoveries/{ids['recovery']}/photos",
                                                                PNG + who(c).encode(), ctype="image/png"),
        ("GET", "/api/v1/recoveries/{id}/photos/{hash}"): lambda c: r(
            f"/api/v1/recoveries/{ids['recovery']}/photos/{ids['photo']}"),
        ("GET", "/api/v1/tasks"): lambda c: r("/api/v1/tasks"),
        ("POST", "/api/v1/tasks/{id}/mark"): lambda c: r(f"/api/v1/tasks/{ids['task'][who(c)]}/mark",
                                                         {"text": f"HT-MATRIX-{who(c)}"}),
        # destruction: closing the shared batch is refused for its lack of
        # verifiers (409), which is enough to tell the allowed from the rest
        ("GET", "/api/v1/destructions"): lambda c: r("/api/v1/destructions"),
        ("POST", "/api/v1/destructions"): lambda c: r("/api/v1/destructions", {
            "method": "CUT", "site": f"matrix {who(c)}", "date": "2026-11-20"}),
        ("GET", "/api/v1/destructions/{id}"): lambda c: r(f"/api/v1/destructions/{ids['batch']}"),
        ("POST", "/api/v1/destructions/{id}/items"): lambda c: r(f"/api/v1/destructions/{ids['batch']}/items",
                                                                 {"item_id": ids["to_destroy"][who(c)]}),
        ("POST", "/api/v1/destructions/{id}/recovered"): lambda c: r(
            f"/api/v1/destructions/{ids['batch']}/recovered",
            {"recovery_id": ids["recovery"], "line": ids["ammo_line"][who(c)], "rounds": 10}),
        ("POST", "/api/v1/destructions/{id}/people"): lambda c: r(f"/api/v1/destructions/{ids['batch']}/people",
                                                                  {"role": "witness", "name": f"witness {who(c)}"}),
        ("POST", "/api/v1/destructions/{id}/verify"): lambda c: r(f"/api/v1/destructions/{ids['batch']}/verify",
                                                                  {"serials": [f"DESTROY-{who(c)}"]}),
        ("POST", "/api/v1/destructions/{id}/confirm"): lambda c: r(f"/api/v1/destructions/{ids['batch']}/confirm",
                                                                   {}, ok={403}),
        ("POST", "/api/v1/destructions/{id}/close"): lambda c: r(f"/api/v1/destructions/{ids['batch']}/close",
                                                                 {"certificate": f"DC-{who(c)}"}, ok={409}),
        ("GET", "/api/v1/destructions/{id}/certificate"): lambda c: r(
            f"/api/v1/destructions/{ids['closed_batch']}/certificate"),
        # tracing: each caller reports, decides, sends, acknowledges,
        # answers and closes records of its own; an import of a document
        # that is not one is refused for its input (422), which is enough to
        # tell the allowed from the rest (http_trace.py imports for real)
        ("GET", "/api/v1/losses"): lambda c: r("/api/v1/losses" + q(open="true")),
        ("POST", "/api/v1/losses"): lambda c: r("/api/v1/losses", {
            "kind": "lost", "date": "2026-01-06", "circumstances": "matrix", "reported_by": f"matrix {who(c)}",
            "item": {"category": "SA1", "make": "Ruger", "model": "LCP", "calibre": ".380 ACP", "country": "US",
                     "serial": f"LOSTMTX-{who(c)}"}}),
        ("GET", "/api/v1/losses/export"): lambda c: r("/api/v1/losses/export"),
        ("GET", "/api/v1/hits"): lambda c: r("/api/v1/hits" + q(state="open")),
        ("POST", "/api/v1/hits/scan"): lambda c: r("/api/v1/hits/scan", {"recovery_id": ids["trace_recovery"]}),
        ("GET", "/api/v1/hits/{id}"): lambda c: r(f"/api/v1/hits/{ids['hit'][who(c)]}"),
        ("POST", "/api/v1/hits/{id}/decision"): lambda c: r(f"/api/v1/hits/{ids['hit'][who(c)]}/decision", {
            "decision": "reject", "reason": f"matrix {who(c)}"}),
        ("POST", "/api/v1/items/{id}/origin"): lambda c: r(f"/api/v1/items/{ids['origin'][who(c)]}/origin", {
            "method": "investigation", "category": "civilian_holder", "description": f"matrix {who(c)}"}),
        ("GET", "/api/v1/traces"): lambda c: r("/api/v1/traces" + q(direction="outgoing")),
        ("POST", "/api/v1/traces"): lambda c: r("/api/v1/traces", {"requested": {"state": "BR"},
                                                                    "notes": f"matrix {who(c)}"}),
        ("POST", "/api/v1/traces/quality"): lambda c: r("/api/v1/traces/quality", TRACE_REQUEST),
        ("POST", "/api/v1/traces/import"): lambda c: r("/api/v1/traces/import", {"kind": f"nothing {who(c)}"},
                                                       ok={422}),
        ("GET", "/api/v1/traces/{id}"): lambda c: r(f"/api/v1/traces/{ids['trace_answered']}"),
        ("PATCH", "/api/v1/traces/{id}"): lambda c: r(f"/api/v1/traces/{ids['trace_draft']}",
                                                      {"notes": f"matrix {who(c)}"}),
        ("GET", "/api/v1/traces/{id}/quality"): lambda c: r(f"/api/v1/traces/{ids['trace_draft']}/quality"),
        ("POST", "/api/v1/traces/{id}/send"): lambda c: r(f"/api/v1/traces/{ids['to_send'][who(c)]}/send"),
        ("POST", "/api/v1/traces/{id}/acknowledge"): lambda c: r(
            f"/api/v1/traces/{ids['to_ack'][who(c)]}/acknowledge", {"note": f"matrix {who(c)}"}),
        ("POST", "/api/v1/traces/{id}/responses"): lambda c: r(
            f"/api/v1/traces/{ids['to_answer'][who(c)]}/responses", {"result": "no_record",
                                                                     "notes": f"matrix {who(c)}"}),
        ("POST", "/api/v1/traces/{id}/close"): lambda c: r(f"/api/v1/traces/{ids['to_close_trace'][who(c)]}/close",
                                                           {"reason": f"matrix {who(c)}"}),
        ("GET", "/api/v1/traces/{id}/export"): lambda c: r(f"/api/v1/traces/{ids['trace_answered']}/export"),
        ("GET", "/api/v1/node"): lambda c: r("/api/v1/node"),
        ("GET", "/api/v1/peers"): lambda c: r("/api/v1/peers"),
        ("POST", "/api/v1/peers"): lambda c: r("/api/v1/peers", dict(ids["peer"], name=f"Peer of {who(c)}")),
        # the peer the admin trusted just before; only the admin revokes it
        ("POST", "/api/v1/peers/{id}/revoke"): lambda c: r(f"/api/v1/peers/{ids['peer']['node_id']}/revoke",
                                                           {"reason": f"matrix {who(c)}"}),
        ("GET", "/api/v1/reports/sdg-16-4-2"): lambda c: r("/api/v1/reports/sdg-16-4-2" + q(year=2026)),
        ("GET", "/api/v1/reports/sdg-16-4-2/records"): lambda c: r(
            "/api/v1/reports/sdg-16-4-2/records" + q(year=2026, figure="seized")),
        # transfers: each caller drafts, assesses, registers, changes and
        # lifts records of its own; what needs an issued licence and its
        # shipments (http_transfers.py does it for real) is asked of a
        # record that does not exist (404), with a body the library refuses
        # (422), or of a certificate nothing was shipped under (409), which
        # is enough to tell the allowed from the rest
        ("GET", "/api/v1/licences"): lambda c: r("/api/v1/licences"),
        ("POST", "/api/v1/licences"): lambda c: r("/api/v1/licences", licence(f"MATRIX-{who(c)}")),
        ("GET", "/api/v1/licences/{id}"): lambda c: r(f"/api/v1/licences/{ids['licence']}"),
        ("POST", "/api/v1/licences/{id}/assessment"): lambda c: r(
            f"/api/v1/licences/{ids['to_assess'][who(c)]}/assessment", ASSESSMENT),
        ("POST", "/api/v1/licences/{id}/issue"): lambda c: r("/api/v1/licences/NOPE/issue", ok={404}),
        ("POST", "/api/v1/licences/{id}/state"): lambda c: r("/api/v1/licences/NOPE/state",
                                                             {"state": "suspended", "reason": "matrix"}, ok={404}),
        ("GET", "/api/v1/eucs"): lambda c: r("/api/v1/eucs"),
        ("POST", "/api/v1/eucs"): lambda c: r("/api/v1/eucs", {"licence_id": ids["licence"]}, ok={422}),
        ("GET", "/api/v1/eucs/{id}"): lambda c: r(f"/api/v1/eucs/{ids['euc']}"),
        ("POST", "/api/v1/eucs/{id}/verifications"): lambda c: r(f"/api/v1/eucs/{ids['euc']}/verifications", {
            "channel": f"matrix {who(c)}", "result": "inconclusive"}),
        ("POST", "/api/v1/eucs/{id}/checks"): lambda c: r(f"/api/v1/eucs/{ids['euc']}/checks", {
            "date": "2026-06-01", "inspectors": [f"matrix {who(c)}"],
            "items": [{"item_id": ids["item"], "result": "seen"}]}, ok={409}),
        ("GET", "/api/v1/shipments"): lambda c: r("/api/v1/shipments"),
        ("POST", "/api/v1/shipments"): lambda c: r("/api/v1/shipments", {"notes": f"matrix {who(c)}"}, ok={422}),
        ("GET", "/api/v1/shipments/{id}"): lambda c: r("/api/v1/shipments/NOPE", ok={404}),
        ("POST", "/api/v1/shipments/{id}/delivery"): lambda c: r("/api/v1/shipments/NOPE/delivery",
                                                                 {"dvc": f"DVC-{who(c)}"}, ok={404}),
        ("GET", "/api/v1/brokers"): lambda c: r("/api/v1/brokers"),
        ("POST", "/api/v1/brokers"): lambda c: r("/api/v1/brokers", broker(f"MATRIX-{who(c)}")),
        ("GET", "/api/v1/brokers/{id}"): lambda c: r(f"/api/v1/brokers/{ids['broker']}"),
        ("POST", "/api/v1/brokers/{id}/state"): lambda c: r(f"/api/v1/brokers/{ids['to_suspend'][who(c)]}/state",
                                                            {"state": "suspended", "reason": f"matrix {who(c)}"}),
        ("GET", "/api/v1/diversions"): lambda c: r("/api/v1/diversions"),
        ("GET", "/api/v1/diversions/{id}"): lambda c: r("/api/v1/diversions/NOPE", ok={404}),
        ("POST", "/api/v1/diversions/{id}/trace"): lambda c: r("/api/v1/diversions/NOPE/trace", ok={404}),
        ("POST", "/api/v1/diversions/{id}/close"): lambda c: r("/api/v1/diversions/NOPE/close",
                                                               {"reason": "matrix"}, ok={404}),
        ("GET", "/api/v1/embargoes"): lambda c: r("/api/v1/embargoes"),
        ("POST", "/api/v1/embargoes"): lambda c: r("/api/v1/embargoes", {
            "country": COUNTRIES[who(c)], "reference": f"MATRIX-{who(c)}", "since": "2026-01-01"}),
        ("POST", "/api/v1/embargoes/{id}/lift"): lambda c: r(f"/api/v1/embargoes/{ids['to_lift'][who(c)]}/lift", {
            "date": "2026-06-01", "reference": f"matrix {who(c)}"}),
        ("POST", "/api/v1/screening"): lambda c: r("/api/v1/screening", {
            "party": {"role": "end_user", "name": f"matrix {who(c)}", "country": "SN"}}),
        ("GET", "/api/v1/transfer-records"): lambda c: r("/api/v1/transfer-records" + q(year=2026)),
        # embargoes and sanctions: what would change a regime, an exemption,
        # a notice, a list or an alert is asked of one that does not exist
        # (404) or with a body the library refuses (409, 422), which is
        # enough to tell the allowed from the rest (http_embargo.py does it
        # for real)
        ("GET", "/api/v1/regimes"): lambda c: r("/api/v1/regimes"),
        ("POST", "/api/v1/regimes/import"): lambda c: r("/api/v1/regimes/import", {"version": f"matrix {who(c)}"},
                                                        ok={409, 422}),
        ("GET", "/api/v1/regimes/{id}"): lambda c: r("/api/v1/regimes/NOPE", ok={404}),
        ("GET", "/api/v1/embargo-check"): lambda c: r("/api/v1/embargo-check" + q(country="SN", on="2026-01-01")),
        ("GET", "/api/v1/exemptions"): lambda c: r("/api/v1/exemptions"),
        ("POST", "/api/v1/exemptions"): lambda c: r("/api/v1/exemptions", {"regime": "NOPE", "procedure": "standing",
                                                                            "supplier": f"matrix {who(c)}"},
                                                    ok={404, 422}),
        ("GET", "/api/v1/exemptions/{id}"): lambda c: r("/api/v1/exemptions/NOPE", ok={404}),
        ("POST", "/api/v1/exemptions/{id}/decision"): lambda c: r("/api/v1/exemptions/NOPE/decision", {
            "decision": "no_objection", "date": "2026-01-01"}, ok={404}),
        ("GET", "/api/v1/exemptions/{id}/notice"): lambda c: r("/api/v1/exemptions/NOPE/notice", ok={404}),
        ("GET", "/api/v1/notices"): lambda c: r("/api/v1/notices"),
        ("GET", "/api/v1/notices/{id}"): lambda c: r("/api/v1/notices/NOPE", ok={404}),
        ("POST", "/api/v1/notices/{id}/sent"): lambda c: r("/api/v1/notices/NOPE/sent", {
            "date": "2026-01-01", "reference": f"matrix {who(c)}"}, ok={404}),
        ("GET", "/api/v1/notices/{id}/document"): lambda c: r("/api/v1/notices/NOPE/document", ok={404}),
        ("POST", "/api/v1/sanctions/import"): lambda c: r("/api/v1/sanctions/import", f"<matrix {who(c)}",
                                                          ctype="application/xml", ok={422}),
        ("GET", "/api/v1/sanctions/imports"): lambda c: r("/api/v1/sanctions/imports"),
        ("GET", "/api/v1/sanctions/entries"): lambda c: r("/api/v1/sanctions/entries"),
        ("GET", "/api/v1/sanctions/entries/{id}"): lambda c: r("/api/v1/sanctions/entries/NOPE", ok={404}),
        ("GET", "/api/v1/sanctions/screen"): lambda c: r("/api/v1/sanctions/screen" + q(name=f"matrix {who(c)}")),
        ("POST", "/api/v1/sanctions/screen"): lambda c: r("/api/v1/sanctions/screen", f"matrix {who(c)}\t1970\n",
                                                          ctype="text/tab-separated-values"),
        ("GET", "/api/v1/sanctions/alerts"): lambda c: r("/api/v1/sanctions/alerts"),
        ("GET", "/api/v1/sanctions/alerts/{id}"): lambda c: r("/api/v1/sanctions/alerts/NOPE", ok={404}),
        ("POST", "/api/v1/sanctions/alerts/{id}/clear"): lambda c: r("/api/v1/sanctions/alerts/NOPE/clear", {
            "reason": f"matrix {who(c)}"}, ok={404}),
        ("POST", "/api/v1/sanctions/alerts/{id}/confirm"): lambda c: r("/api/v1/sanctions/alerts/NOPE/confirm", {
            "reason": f"matrix {who(c)}"}, ok={404}),
        # monitoring: each caller records an observation and a finding of its
        # own; what would change a finding is asked of one that does not
        # exist (404), or of the finding one source cannot corroborate (409)
        ("POST", "/api/v1/observations"): lambda c: r("/api/v1/observations", observation(f"matrix {who(c)}")),
        ("GET", "/api/v1/observations"): lambda c: r("/api/v1/observations" + q(country="CF", limit=5)),
        ("GET", "/api/v1/observations/{id}"): lambda c: r(f"/api/v1/observations/{ids['observation']}"),
        ("POST", "/api/v1/observations/{id}/items/{n}/trace"): lambda c: r(
            "/api/v1/observations/NOPE/items/0/trace", {}, ok={404}),
        ("POST", "/api/v1/findings"): lambda c: r("/api/v1/findings", {"statement": f"matrix {who(c)}"}),
        ("GET", "/api/v1/findings"): lambda c: r("/api/v1/findings" + q(state="draft")),
        ("GET", "/api/v1/findings/{id}"): lambda c: r(f"/api/v1/findings/{ids['finding']}"),
        ("GET", "/api/v1/findings/{id}/rule"): lambda c: r(f"/api/v1/findings/{ids['finding']}/rule"),
        ("POST", "/api/v1/findings/{id}/links"): lambda c: r(f"/api/v1/findings/{ids['finding']}/links", {
            "target": ids["observation"], "note": f"matrix {who(c)}"}),
        ("DELETE", "/api/v1/findings/{id}/links/{target}"): lambda c: r(
            f"/api/v1/findings/NOPE/links/{ids['observation']}", ok={404}),
        ("POST", "/api/v1/findings/{id}/corroborate"): lambda c: r(f"/api/v1/findings/{ids['finding']}/corroborate",
                                                                   {}, ok={409}),
        ("POST", "/api/v1/findings/{id}/report"): lambda c: r("/api/v1/findings/NOPE/report", {
            "to": f"matrix {who(c)}"}, ok={404}),
        ("GET", "/api/v1/findings/{id}/evidence-pack"): lambda c: r(f"/api/v1/findings/{ids['finding']}/evidence-pack"),
        ("POST", "/api/v1/evidence-packs/verify"): lambda c: r("/api/v1/evidence-packs/verify",
                                                               f"no pack, {who(c)}".encode(), ctype="application/x-tar",
                                                               ok={422}),
        ("GET", "/api/v1/profiles/actors"): lambda c: r("/api/v1/profiles/actors" + q(name="Matrix armed group")),
        ("GET", "/api/v1/profiles/countries/{cc}"): lambda c: r("/api/v1/profiles/countries/CF" +
                                                               q(compare_imports="true")),
        ("GET", "/api/v1/reports/committee"): lambda c: r("/api/v1/reports/committee" +
                                                         q(**{"from": "2026-01-01", "to": "2026-12-31"})),
        # the international reports: the PoA/ITI report of the demo's year,
        # submitted once in the setup; each caller allowed submits its own
        ("GET", "/api/v1/reports/submissions"): lambda c: r("/api/v1/reports/submissions" + q(report="poa")),
        ("GET", "/api/v1/reports/submissions/{id}"): lambda c: r(f"/api/v1/reports/submissions/{ids['submission']}"),
        ("GET", "/api/v1/reports/{kind}"): lambda c: r("/api/v1/reports/poa" + q(year=2026)),
        ("GET", "/api/v1/reports/{kind}/records"): lambda c: r("/api/v1/reports/poa/records" +
                                                              q(year=2026, row="records/weapons_registered")),
        ("POST", "/api/v1/reports/{kind}/submissions"): lambda c: r("/api/v1/reports/poa/submissions", {
            "year": 2026, "reference": f"matrix {who(c)}"}),
        ("GET", "/api/v1/reports/{kind}/diff"): lambda c: r("/api/v1/reports/poa/diff" +
                                                           q(submission=ids["submission"])),
    }


def observation(reference):
    """An armoury inspection in the Central African Republic: one source,
    one weapon."""
    return {"kind": "armoury_inspection", "observed_at": "2026-03-02",
            "place": {"name": "Matrix depot", "admin_area": "Ouham", "country": "CF"},
            "unit": "Matrix embargo cell", "officer": "Matrix officer", "reference": reference,
            "actor": {"kind": "armed_group", "name": "Matrix armed group"},
            "sources": [{"type": "physical_inspection", "independent": True, "reliability": "B", "credibility": 2}],
            "items": [{"kind": "weapon", "make": "Norinco", "model": "Type 56", "category": "SA4",
                       "serial": "MTX-56-0001", "markings": [], "photos": []}],
            "documents": [], "photos": []}


def monitoring_setup(tap, srv, admin, ids):
    """An observation and a draft finding linked to it (one source: the
    evidence rule does not hold)."""
    resp = srv.post("/api/v1/observations", observation("SETUP-OBSERVATION"), admin)
    if not tap.eq(resp.status, 201, "an observation is recorded for the monitoring routes", repr(resp)):
        raise RuntimeError(f"observation: {resp!r}")
    ids["observation"] = resp.json["id"]
    resp = srv.post("/api/v1/findings", {"statement": "SETUP finding", "links": [ids["observation"]]}, admin)
    if not tap.eq(resp.status, 201, "a finding is drafted for the monitoring routes", repr(resp)):
        raise RuntimeError(f"finding: {resp!r}")
    ids["finding"] = resp.json["id"]


def reports_setup(tap, srv, admin, ids):
    """The PoA/ITI report of the demo's year, submitted once."""
    resp = srv.post("/api/v1/reports/poa/submissions", {"year": 2026, "reference": "SETUP note verbale"}, admin)
    if not tap.eq(resp.status, 201, "a report is submitted for the reports routes", repr(resp)):
        raise RuntimeError(f"submission: {resp!r}")
    ids["submission"] = resp.json["id"]


def check_reports(tap, srv, admin, ids):
    """The reports' answers beyond who may call them: outputs, the signed
    document, refusals naming their parameter or field and writing nothing."""
    resp = srv.get(f"/api/v1/reports/submissions/{ids['submission']}", admin)
    doc = resp.json.get("document", {}) if resp.status == 200 else {}
    tap.ok(resp.status == 200 and len(doc.get("signature", "")) == 128 and doc.get("report", {}).get("report") == "poa"
           and doc.get("reference") == "SETUP note verbale",
           "GET /reports/submissions/{id}: the signed document with the report as sent", repr(resp))
    resp = srv.get("/api/v1/reports/poa" + q(year=2026, format="csv"), admin)
    tap.ok(resp.status == 200 and (resp.header("Content-Type") or "").startswith("text/csv"),
           "GET /reports/poa?format=csv: text/csv", repr(resp))
    resp = srv.get("/api/v1/reports/poa" + q(year=2026, format="html"), admin)
    tap.ok(resp.status == 200 and (resp.header("Content-Type") or "").startswith("text/html"),
           "GET /reports/poa?format=html: text/html", repr(resp))
    for path, field in (("/api/v1/reports/poa" + q(year=2026, format="pdf"), "format"),
                        ("/api/v1/reports/poa", "year"),
                        ("/api/v1/reports/poa" + q(year=2026, direction="exports"), "direction"),
                        ("/api/v1/reports/poa/records" + q(year=2026, row="records/nope"), "row"),
                        ("/api/v1/reports/poa/diff", "year")):
        resp = srv.get(path, admin)
        tap.ok(resp.status == 400 and resp.error().get("field") == field, f"GET {path}: 400 naming {field}",
               repr(resp))
    resp = srv.get("/api/v1/reports/nope" + q(year=2026), admin)
    tap.ok(resp.status == 404 and resp.error().get("field") == "kind", "GET /reports/nope: 404 naming kind",
           repr(resp))
    resp = srv.get("/api/v1/reports/iafq/diff" + q(year=2026), admin)
    tap.ok(resp.status == 404 and resp.error().get("field") == "submission",
           "GET /reports/iafq/diff with no IAFQ submitted: 404 naming submission", repr(resp))
    before = events(srv, admin)
    for body, field in (({"reference": "no year"}, "year"), ({"year": 2026, "colour": "red"}, "colour"),
                        ({"year": 2026, "reference": "x" * 300}, "reference"),
                        ({"year": 2026, "withhold": "records/x"}, "withhold")):
        resp = srv.post("/api/v1/reports/poa/submissions", body, admin)
        tap.ok(resp.status == 422 and resp.error().get("field") == field,
               f"POST /reports/poa/submissions {sorted(body)}: 422 naming {field}", repr(resp))
    tap.eq(events(srv, admin), before, "the refused submissions appended no event")
    resp = srv.get(f"/api/v1/reports/poa/diff" + q(submission=ids["submission"]), admin)
    tap.ok(resp.status == 200 and resp.json["submission"]["id"] == ids["submission"]
           and {"ledger", "changed", "changes", "events"} <= set(resp.json),
           "GET /reports/poa/diff?submission=: the comparison with that submission", repr(resp))


def hit_serial(tag):
    """A serial three characters away from every other tag's (k = 2 keeps
    hits apart); its misread twin is 1->I, 8->B away, nothing for the
    matcher."""
    return f"R{tag}X{tag}41038{tag}", f"R{tag}X{tag}4I03B{tag}"


def trace_setup(tap, reg, srv, admin, ids):
    """Per caller: a stolen weapon recovered with a misread serial (an open
    hit to decide), a recovered weapon to give an origin, requests to send,
    acknowledge, answer and close; a draft to change; a request answered
    confidentially; another registry's key to trust."""
    callers = ("anon",) + ROLES
    tags = dict(zip(callers, "ACEHKMPTWY"))
    for c in callers:
        resp = srv.post("/api/v1/losses", {
            "kind": "stolen", "date": "2026-01-05", "circumstances": "matrix", "reported_by": "matrix setup",
            "item": {"category": "SA1", "make": "Glock", "model": "17", "calibre": "9x19mm", "country": "AT",
                     "serial": hit_serial(tags[c])[0]}}, admin)
        if not tap.eq(resp.status, 201, f"a stolen weapon is reported for {c}", repr(resp)):
            return False
    rec = srv.post("/api/v1/recoveries", {
        "type": "seized", "date": "2026-03-01", "officer": "matrix", "weapons":
        [{"category": "SA1", "make": "Glock", "model": "17", "calibre": "9x19mm", "country": "AT",
          "serial": hit_serial(tags[c])[1]} for c in callers] +
        [{"category": "SA1", "make": "Taurus", "country": "BR", "serial": f"ORIGIN-{c}"} for c in callers]}, admin)
    if not tap.eq(rec.status, 201, "a recovery of the stolen weapons is recorded", repr(rec)):
        return False
    ids["trace_recovery"] = rec.json["id"]
    by_serial = {it["serial"]: it["id"] for it in rec.json["items"]}
    ids["origin"] = {c: by_serial[f"ORIGIN-{c}"] for c in callers}
    hits = srv.get("/api/v1/hits" + q(state="open"), admin).json or []
    hit_of = {h["recovered"]["serial"]: h["id"] for h in hits}
    ids["hit"] = {c: hit_of.get(hit_serial(tags[c])[1]) for c in callers}
    if not tap.ok(all(ids["hit"].values()), "each misread serial gave a hit", f"hits: {hits}"):
        return False

    def draft(n, **extra):
        resp = srv.post("/api/v1/traces", dict(TRACE_REQUEST, reference=f"MATRIX-{n}", **extra), admin)
        return resp.json["id"]

    def sent(n):
        t = draft(n)
        srv.post(f"/api/v1/traces/{t}/send", {}, admin)
        return t

    ids["trace_draft"] = draft("draft")
    ids["to_send"] = {c: draft(f"send-{c}") for c in callers}
    ids["to_ack"] = {c: sent(f"ack-{c}") for c in callers}
    ids["to_answer"] = {c: sent(f"answer-{c}") for c in callers}
    ids["to_close_trace"] = {c: sent(f"close-{c}") for c in callers}
    t = sent("answered")
    resp = srv.post(f"/api/v1/traces/{t}/responses", {
        "result": "record_found", "confidentiality": "confidential",
        "last_holder": {"name": "Matrix Armory LLC", "type": "dealer", "country": "US"},
        "point_of_diversion": {"category": "civilian_holder", "country": "US"}}, admin)
    if not tap.eq(resp.status, 201, "a confidential response is recorded", repr(resp)):
        return False
    ids["trace_answered"] = t
    other = Registry()
    other.run("init", "--country", "BR")
    node = other.wam("node")
    ids["peer"] = {"name": "Peer", "country": node["country"], "node_id": node["node_id"],
                   "public_key": node["public_key"]}
    return True


def transfers_setup(tap, srv, admin, ids):
    """A draft licence with a certificate; per caller a draft to assess, a
    broker to suspend and an embargo to lift (on a country of its own)."""
    callers = ("anon",) + ROLES

    def made(path, body, what):
        resp = srv.post(path, body, admin)
        if not tap.eq(resp.status, 201, f"{what} is recorded for the transfers routes", repr(resp)):
            raise RuntimeError(f"{what}: {resp!r}")
        return resp.json["id"]

    ids["licence"] = made("/api/v1/licences", licence("SETUP-LICENCE"), "a licence")
    ids["euc"] = made("/api/v1/eucs", euc(ids["licence"], "SETUP-EUC"), "a certificate")
    ids["broker"] = made("/api/v1/brokers", broker("SETUP-BROKER"), "a broker")
    ids["to_assess"] = {c: made("/api/v1/licences", licence(f"SETUP-ASSESS-{c}"), f"a draft for {c}")
                        for c in callers}
    ids["to_suspend"] = {c: made("/api/v1/brokers", broker(f"SETUP-{c}"), f"a broker for {c}") for c in callers}
    ids["to_lift"] = {c: made("/api/v1/embargoes", {"country": SETUP_COUNTRIES[c], "reference": f"SETUP-{c}",
                                                    "since": "2025-01-01", "until": "2025-12-31"},
                              f"an embargo for {c}") for c in callers}


def check_trace_confidential(tap, srv, tokens, ids):
    """R11: a confidential response in full to the roles allowed
    trace_confidential, withheld from the other roles allowed trace; each
    full read appends a record.read event naming the request."""
    t = ids["trace_answered"]

    def trace_reads(via):
        """The reads of request t recorded for route `via`, as the auditor
        sees them (an admin's reading of the events logs a read of t)."""
        got = srv.get("/api/v1/events" + q(subject=t, limit=1000), tokens["auditor"]).json["events"]
        return [e for e in got if e["type"] == "record.read" and e["payload"].get("via", "").startswith(via)]

    for role in sorted(TRACE):
        before = len(trace_reads("GET /api/v1/traces"))
        resp = srv.get(f"/api/v1/traces/{t}", tokens[role])
        shown = (resp.json or {}).get("responses") or [{}]
        full = not shown[0].get("withheld") and shown[0].get("last_holder", {}).get("name") == "Matrix Armory LLC"
        reads = trace_reads("GET /api/v1/traces")[before:]
        if role in TRACE_CONFIDENTIAL:
            tap.ok(full and len(reads) == 1, f"GET /traces/{{id}} as {role}: the confidential response in full, "
                   "and one record.read event", repr(resp), f"new reads: {reads}")
        else:
            tap.ok(resp.status == 200 and shown[0].get("withheld") is True and "last_holder" not in shown[0]
                   and not reads, f"GET /traces/{{id}} as {role}: the confidential response withheld, no read logged",
                   repr(resp))
    resp = srv.get(f"/api/v1/traces/{t}/export", tokens["registrar"])
    tap.ok(resp.status == 200, "GET /traces/{id}/export of an outgoing request as registrar: 200", repr(resp))
    # the raw events carry the response too: the same rule for the roles allowed audit
    for role in ("auditor", "admin"):
        before = len(trace_reads("GET /api/v1/events"))
        resp = srv.get("/api/v1/events" + q(subject=t, limit=1000), tokens[role])
        answered = [e["payload"]["response"] for e in (resp.json or {}).get("events", [])
                    if e["type"] == "trace.responded"]
        reads = trace_reads("GET /api/v1/events")[before:]
        if role in TRACE_CONFIDENTIAL:
            tap.ok(resp.status == 200 and len(answered) == 1 and answered[0].get("last_holder", {}).get("name") ==
                   "Matrix Armory LLC" and len(reads) == 1 and reads[0]["payload"]["fields"] == ["responses[0]"],
                   f"GET /events?subject= as {role}: the confidential response in full, and one record.read "
                   "naming responses[0]", repr(resp), f"reads: {reads}")
        else:
            tap.ok(resp.status == 200 and answered == [{"result": "record_found", "date": answered[0].get("date"),
                                                        "confidentiality": "confidential", "withheld": True}]
                   and "Matrix Armory" not in resp.body.decode() and not reads,
                   f"GET /events?subject= as {role}: the confidential response withheld, no read of it logged",
                   repr(resp), f"reads: {reads}")


def check_trace_records(tap, srv, admin):
    """Loss reports exist for the callers allowed to report them only."""
    made = {x["reported_by"][len("matrix "):] for x in srv.get("/api/v1/losses", admin).json
            if (x.get("reported_by") or "").startswith("matrix ") and x["reported_by"] != "matrix setup"}
    tap.eq(made, set(TRACE), "POST /api/v1/losses: records exist for the allowed callers only")


def check_trace_confinement(tap, srv, admin, ids):
    """A caller confined to site A: the SDG report needs a site of its own,
    and it sees no hit of a weapon kept elsewhere."""
    sites = [s["id"] for s in srv.get("/api/v1/sites", admin).json]
    a = ids["site_a"]
    leaves = [s for s in sites if s != a and not srv.get(f"/api/v1/sites/{s}/tree", admin).json[1:]]
    tok = srv.reg.token("viewer-trace-a", "viewer", [a])[0]
    resp = srv.get("/api/v1/reports/sdg-16-4-2" + q(year=2026), tok)
    tap.ok(resp.status == 403 and resp.error().get("field") == "site" and not error_shape(resp),
           "viewer of site A: GET /reports/sdg-16-4-2 without a site: 403 naming site", repr(resp))
    resp = srv.get("/api/v1/reports/sdg-16-4-2/records" + q(year=2026, figure="seized", site=leaves[0]), tok)
    tap.ok(resp.status == 403 and resp.error().get("field") == "site",
           "viewer of site A: GET /reports/sdg-16-4-2/records for another site: 403 naming site", repr(resp))
    tok = srv.reg.token("viewer-trace-leaf", "viewer", [leaves[0]])[0]
    resp = srv.get("/api/v1/reports/sdg-16-4-2" + q(year=2026, site=leaves[0]), tok)
    tap.eq(resp.status, 200, "viewer of a site with none under it: its own report: 200", repr(resp))
    got = srv.get("/api/v1/hits", tok).json
    tap.ok(isinstance(got, list) and all(h["owner_site_id"] == leaves[0] for h in got),
           "... and no hit of a weapon kept elsewhere", f"hits: {got}")
    hit = next(iter(ids["hit"].values()))
    tap.eq(srv.get(f"/api/v1/hits/{hit}", tok).status, 404, "... and 404 for one by id")


def check_table_covers_routes(tap, reg):
    _, listed, _ = reg.run("serve", "--routes")
    listed_keys = {(r["method"], r["path"]) for r in listed}
    table_keys = {(m, p) for m, p, _, _ in TABLE}
    tap.ok(listed_keys == table_keys, "the table has a row for exactly the routes `wam serve --routes` lists",
           f"routes without a row: {sorted(listed_keys - table_keys)}",
           f"rows without a route: {sorted(table_keys - listed_keys)}")
    tap.ok(len(table_keys) == len(TABLE), "no route has two rows in the table")
    national = {(r["method"], r["path"]): r["national"] for r in listed}
    wrong = [(m, p) for m, p, _, nat in TABLE if (m, p) in national and national[(m, p)] != nat]
    tap.ok(not wrong, "the routes refused to confined callers are those the table marks national",
           f"differ: {wrong}")
    public = {(r["method"], r["path"]) for r in listed if r["action"] == "public"}
    tap.ok(public == {(m, p) for m, p, who, _ in TABLE if who == PUBLIC},
           "the public routes are those the table marks public", f"listed as public: {sorted(public)}")


def run_matrix(tap, srv, tokens, ids):
    reqs = requests(ids)
    for method, pattern, allowed, _ in TABLE:
        build = reqs[(method, pattern)]
        for caller in (None,) + ROLES:
            rq = build(caller)
            resp = srv.request(method, rq["path"], body=rq["body"], ctype=rq["ctype"],
                               token=tokens[caller] if caller else None)
            name = f"{method} {pattern} as {caller or 'no one'}"
            if allowed == PUBLIC:
                tap.ok(resp.status in rq["ok"], f"{name}: public, answered {resp.status}", repr(resp))
            elif caller is None:
                tap.ok(resp.status == 401 and resp.error().get("code") == "unauthenticated"
                       and not error_shape(resp), f"{name}: 401 unauthenticated", repr(resp))
            elif caller in allowed:
                tap.ok(resp.status in rq["ok"] and (not rq["refused_by"] or (resp.error() or {}).get("field") ==
                                                     rq["refused_by"]),
                       f"{name}: allowed, answered {resp.status}", repr(resp))
            else:
                tap.ok(resp.status == 403 and resp.error().get("code") == "forbidden" and not error_shape(resp),
                       f"{name}: 403 forbidden", repr(resp))


def check_refused_changed_nothing(tap, srv, admin, ids):
    """What each caller made is named after it: only the callers the table
    allows may have left a record."""
    def allowed(method, pattern):
        return {c for m, p, who, _ in TABLE if (m, p) == (method, pattern) for c in who}

    items = srv.get("/api/v1/items" + q(limit=1000), admin).json["items"]
    seen = {
        ("POST", "/api/v1/items"): {i["serial"][len("MATRIX-"):] for i in items
                                    if i["serial"].startswith("MATRIX-") and "IMPORT" not in i["serial"]},
        ("POST", "/api/v1/import"): {i["serial"][len("MATRIX-IMPORT-"):] for i in items
                                     if i["serial"].startswith("MATRIX-IMPORT-")},
        ("POST", "/api/v1/sites"): {s["name"][len("Matrix depot "):] for s in srv.get("/api/v1/sites", admin).json
                                    if s["name"].startswith("Matrix depot ")},
        ("POST", "/api/v1/holders"): {h["name"][len("Matrix unit "):]
                                      for h in srv.get("/api/v1/holders", admin).json
                                      if h["name"].startswith("Matrix unit ")},
        ("POST", "/api/v1/users"): {u["name"][len("made-by-"):] for u in srv.get("/api/v1/users", admin).json
                                    if u["name"].startswith("made-by-")},
        ("POST", "/api/v1/tokens"): {t["name"][len("made-by-"):] for t in srv.get("/api/v1/tokens", admin).json
                                     if t["name"].startswith("made-by-")},
        ("POST", "/api/v1/licences"): {x["number"][len("MATRIX-"):] for x in srv.get("/api/v1/licences", admin).json
                                       if x["number"].startswith("MATRIX-")},
        ("POST", "/api/v1/brokers"): {x["registration"][len("MATRIX-"):]
                                      for x in srv.get("/api/v1/brokers", admin).json
                                      if x["registration"].startswith("MATRIX-")},
        ("POST", "/api/v1/findings"): {x["statement"][len("matrix "):] for x in srv.get("/api/v1/findings", admin).json
                                       if x["statement"].startswith("matrix ")},
        ("POST", "/api/v1/observations"): {(x.get("reference") or "")[len("matrix "):]
                                           for x in (srv.get(f"/api/v1/observations/{o['id']}", admin).json
                                                     for o in srv.get("/api/v1/observations", admin).json)
                                           if (x.get("reference") or "").startswith("matrix ")},
        ("POST", "/api/v1/embargoes"): {x["reference"][len("MATRIX-"):]
                                        for x in srv.get("/api/v1/embargoes", admin).json
                                        if x["reference"].startswith("MATRIX-")},
    }
    for key, made in seen.items():
        # every caller here is a token, and no token adds tokens
        want = set() if key == ("POST", "/api/v1/tokens") else allowed(*key)
        tap.eq(made, want, f"{key[0]} {key[1]}: records exist for the allowed callers only")
    by_id = {i["id"]: i for i in items}
    changed = {c for c, i in ids["in_store"].items() if by_id[i]["status"] != "in_store"}
    tap.eq(changed, allowed("POST", "/api/v1/items/{id}/status"),
           "POST /api/v1/items/{id}/status: only the allowed callers changed a status")


def events(srv, admin):
    """The number of events in the ledger."""
    return srv.get("/api/v1/summary", admin).json["totals"]["events"]


def check_confinement(tap, srv, admin, ids):
    everything = srv.get("/api/v1/items" + q(limit=1000), admin).json["items"]
    by_site = {}
    for it in everything:
        by_site.setdefault(it["site_id"], []).append(it)
    a, b = sorted((s for s in by_site if s), key=lambda s: -len(by_site[s]))[:2]
    a_ids = {it["id"] for it in by_site[a]}
    b_item = next(it for it in by_site[b] if it["status"] == "in_store")
    a_item = next(it for it in by_site[a] if it["status"] == "in_store")

    made = {}
    for role in ("registrar", "viewer", "auditor", "admin"):
        made[role] = srv.reg.token(f"{role}-site-a", role, [a])[0]

    for role in ("registrar", "viewer"):
        tok = made[role]
        got = srv.get("/api/v1/items" + q(limit=1000), tok).json["items"]
        tap.ok(got and all(it["site_id"] == a for it in got), f"{role} of site A: GET /items lists only site A",
               f"sites seen: {sorted({it['site_id'] or 'none' for it in got})}")
        tap.eq({it["id"] for it in got}, a_ids, f"{role} of site A: GET /items lists every site A weapon")
        resp = srv.get(f"/api/v1/items/{a_item['id']}", tok)
        tap.eq(resp.status, 200, f"{role} of site A: GET /items/{{id}} of a site A weapon: 200")
        for sub in ("", "/markings", "/history", "/integrity"):
            resp = srv.get(f"/api/v1/items/{b_item['id']}{sub}", tok)
            tap.ok(resp.status == 404 and resp.error().get("code") == "not_found" and not error_shape(resp),
                   f"{role} of site A: GET /items/{{id}}{sub} of a site B weapon: 404", repr(resp))
        resp = srv.get("/api/v1/items" + q(site=b, limit=10), tok)
        tap.ok(resp.status == 403 and not error_shape(resp), f"{role} of site A: GET /items?site=B: 403",
               repr(resp))
        sites = srv.get("/api/v1/sites", tok).json
        tap.eq([s["id"] for s in sites], [a], f"{role} of site A: GET /sites lists only site A")
        resp = srv.get(f"/api/v1/sites/{b}", tok)
        tap.eq(resp.status, 404, f"{role} of site A: GET /sites/{{id}} of site B: 404", repr(resp))
        summary = srv.get("/api/v1/summary", tok).json
        tap.eq(summary["totals"]["items"], len(a_ids), f"{role} of site A: GET /summary counts site A's weapons")
        tap.eq(summary["scope"], {"confined": True, "sites": [{"id": a, "name": sites[0]["name"]}]},
               f"{role} of site A: GET /summary says it covers site A")
        todo = srv.get("/api/v1/todo", tok).json
        tap.ok(all(set(it["sites"]) <= {a} for it in todo["items"]),
               f"{role} of site A: GET /todo counts only site A's work", repr(todo))
        # a search for a site B weapon's exact serial: the admin finds it,
        # the confined caller gets no candidate outside site A
        found = srv.get("/api/v1/search" + q(serial=b_item["serial"], limit=10), admin).json["candidates"]
        tap.ok(any(c["id"] == b_item["id"] for c in found), "an unconfined search finds the site B weapon",
               f"candidates: {found}")
        mine = srv.get("/api/v1/search" + q(serial=b_item["serial"], limit=10), tok).json["candidates"]
        tap.ok(all(c["site_id"] == a for c in mine), f"{role} of site A: search shows only site A candidates",
               f"candidates: {mine}")
        mine = srv.get("/api/v1/search" + q(serial=a_item["serial"], limit=10), tok).json["candidates"]
        tap.ok(any(c["id"] == a_item["id"] for c in mine) and all(c["site_id"] == a for c in mine),
               f"{role} of site A: search finds a site A weapon", f"candidates: {mine}")

    reg_a = made["registrar"]
    before = events(srv, admin)
    resp = srv.post(f"/api/v1/items/{b_item['id']}/status", {"status": "stolen", "reason": "confinement test"},
                    reg_a)
    tap.ok(resp.status == 404 and not error_shape(resp),
           "registrar of site A: POST /items/{id}/status on a site B weapon: 404", repr(resp))
    tap.eq(events(srv, admin), before, "... and no event was appended")
    tap.eq(srv.get(f"/api/v1/items/{b_item['id']}", admin).json["status"], "in_store",
           "... and the site B weapon's status is unchanged")
    new = {"category": "SA1", "make": "Colt", "model": "M1911A1", "serial": "CONFINED-1", "country": "US"}
    resp = srv.post("/api/v1/items", dict(new, site_id=b), reg_a)
    tap.ok(resp.status == 403 and resp.error().get("field") == "site_id" and not error_shape(resp),
           "registrar of site A: POST /items at site B: 403 naming site_id", repr(resp))
    resp = srv.post("/api/v1/items", new, reg_a)
    tap.ok(resp.status == 403 and resp.error().get("field") == "site_id",
           "registrar of site A: POST /items with no site: 403", repr(resp))
    tap.eq(events(srv, admin), before, "... and no event was appended")
    resp = srv.post("/api/v1/items", dict(new, site_id=a), reg_a)
    tap.eq(resp.status, 201, "registrar of site A: POST /items at site A: 201", repr(resp))
    resp = srv.post(f"/api/v1/items/{a_item['id']}/status", {"status": "issued", "reason": "confined"}, reg_a)
    tap.eq(resp.status, 200, "registrar of site A: POST /items/{id}/status on a site A weapon: 200", repr(resp))

    # every route over the whole registry, as a confined role the table
    # would otherwise allow to call it
    before = events(srv, admin)
    reqs = requests(ids)
    for method, pattern, allowed, national in TABLE:
        if not national:
            continue
        role = next(r for r in ROLES if r in allowed and r in made)
        rq = reqs[(method, pattern)](role)
        resp = srv.request(method, rq["path"], body=rq["body"], ctype=rq["ctype"], token=made[role])
        tap.ok(resp.status == 403 and resp.error().get("code") == "forbidden" and not error_shape(resp),
               f"{role} of site A: {method} {pattern} (national): 403", repr(resp))
    tap.eq(events(srv, admin), before, "the refused national requests appended no event")
    resp = srv.get("/api/v1/verify", admin)
    tap.ok(resp.status == 200 and resp.json["intact"], "the ledger is intact after the matrix", repr(resp))


def test(tap):
    reg = Registry()
    reg.demo(300)
    check_table_covers_routes(tap, reg)

    tokens = {role: reg.token(f"matrix-{role}", role)[0] for role in ROLES}
    admin = tokens["admin"]
    ids = {"victim_token": reg.token("victim", "viewer")[1],
           "user": reg.user("matrix-user", "viewer", "matrix user password")}
    srv = Server(reg)
    everything = srv.get("/api/v1/items" + q(limit=1000), admin).json["items"]
    in_store = [it for it in everything if it["status"] == "in_store"]
    ids["item"] = everything[0]["id"]
    ids["item_serial"] = everything[0]["serial"]
    ids["in_store"] = {caller: it["id"] for caller, it in zip(("anon",) + ROLES, in_store)}
    sites = srv.get("/api/v1/sites", admin).json
    ids["site_a"] = sites[0]["id"]
    ids["holder"] = srv.get("/api/v1/holders", admin).json[0]["id"]

    # stock: a lot at site A; per caller a weapon to move, one to issue, a
    # pending issue to confirm (which no token may) and an open one to return
    # (made by the CLI's user)
    ids["site_b"] = sites[1]["id"]
    ids["lot"] = reg.wam("lot", "add", "--nomenclature", "Cartridge 7.62x39mm", "--lot", "MATRIX-LOT",
                         "--rounds", "100000", "--hazard", "1.4", "--group", "S", "--site", ids["site_a"])["id"]
    spare = in_store[len(ROLES) + 1:]
    callers = ("anon",) + ROLES
    n = len(callers)
    ids["to_move"] = {c: (it["id"], next(s["id"] for s in sites if s["id"] != it["site_id"]))
                      for c, it in zip(callers, spare[-n:])}
    ids["to_issue"] = {c: it["id"] for c, it in zip(callers, spare[-2 * n:-n])}
    # a part per caller to attach to one weapon of site A
    ids["parts_weapon"] = reg.wam("item", "add", "--category", "SA1", "--make", "Glock", "--serial", "MTX-PARTS",
                                  "--country", "AT", "--site", ids["site_a"])["id"]
    ids["parts"] = {c: reg.wam("item", "add", "--category", "PART", "--kind", "part", "--part-type", "barrel",
                               "--serial", f"MTX-BARREL-{c}", "--site", ids["site_a"])["id"] for c in callers}

    def custody(it, *extra):
        return reg.wam("custody", "issue", it["id"], "--person", "Matrix", "--unit", "M", "--return", "2099-01-01",
                       *extra)["id"]
    ids["pending"] = {c: custody(it, "--two-person") for c, it in zip(callers, spare[-3 * n:-2 * n])}
    ids["open"] = {c: custody(it) for c, it in zip(callers, spare[-4 * n:-3 * n])}
    ids["custody"] = custody(spare[-4 * n - 1])

    # stock checks: one open check, one per caller to close, and one
    # investigation per caller to resolve (a closed check with nothing seen)
    ids["checkers"] = [ids["user"], reg.user("matrix-checker", "armourer", "matrix checker password")]
    counts = {}
    for it in in_store:
        counts[it["site_id"]] = counts.get(it["site_id"], 0) + 1
    busiest = max((s for s in counts if s), key=lambda s: counts[s])
    # opened by a person none of the tokens stands for: a token is whoever
    # added it (the CLI's user), and who opened a check does not resolve it
    reg.user("matrix-opener", "armourer", "matrix opener password")
    opened = [reg.wam("--as", "matrix-opener", "--password-stdin", "stock", "open", "--site", busiest, "--type",
                      "FULL_SERIAL", "--checkers", ",".join(ids["checkers"]), stdin="matrix opener password\n")["id"]
              for _ in range(len(ROLES) + 3)]
    ids["check"], done = opened[0], opened[1]
    ids["to_close"] = dict(zip(("anon",) + ROLES, opened[2:]))
    reg.wam("stock", "close", done)
    invs = reg.wam("stock", "investigations", "--check", done)
    ids["investigation"] = {caller: inv["id"] for caller, inv in zip(("anon",) + ROLES, invs)}

    # collection and destruction: a recovery with a photo, per caller an
    # unmarked weapon's task to close and a weapon to list for destruction,
    # an open batch and a closed one with its certificate
    callers = ("anon",) + ROLES
    rec = srv.post("/api/v1/recoveries", {
        "type": "found", "date": "2026-01-01", "officer": "matrix", "weapons":
        [{"category": "SA1", "markings": [{"component": "frame_receiver", "kind": "serial", "text": f"XX{c}",
                                           "legibility": "obliterated"}]} for c in callers] +
        [{"category": "SA1", "make": "Glock", "country": "AT", "serial": f"DESTROY-{c}"}
         for c in callers + ("closed",)],
        "ammunition": [{"calibre": "7.62x39mm", "headstamp": {"text": "71 81"}, "lot": f"MATRIX-{c}",
                        "quantity": 100} for c in callers]},
        admin).json
    ids["recovery"] = rec["id"]
    ids["ammo_line"] = {c: i for i, c in enumerate(callers)}
    ids["task"] = dict(zip(callers, [t["id"] for t in rec["tasks"]]))
    destroyable = [it["id"] for it in rec["items"] if it["serial"].startswith("DESTROY-")]
    ids["to_destroy"] = dict(zip(callers, destroyable))
    ids["photo"] = srv.post(f"/api/v1/recoveries/{rec['id']}/photos", PNG, admin, ctype="image/png").json["hash"]
    ids["batch"] = srv.post("/api/v1/destructions", {"method": "CRUSH", "site": "matrix", "date": "2026-11-20"},
                            admin).json["id"]
    closed = srv.post("/api/v1/destructions", {"method": "CUT", "site": "matrix", "date": "2026-11-20"}, admin).json
    ids["closed_batch"] = closed["id"]
    srv.post(f"/api/v1/destructions/{closed['id']}/items", {"item_id": destroyable[-1]}, admin)
    for name in ("matrix-verifier-a", "matrix-verifier-b"):
        reg.user(name, "armourer", "matrix verifier password")
        srv.post(f"/api/v1/destructions/{closed['id']}/people", {"role": "verifier", "name": name}, admin)
    srv.post(f"/api/v1/destructions/{closed['id']}/verify", {"serials": ["DESTROY-closed"]}, admin)
    for name in ("matrix-verifier-a", "matrix-verifier-b"):
        srv.post(f"/api/v1/destructions/{closed['id']}/confirm", {},
                 **srv.session(name, "matrix verifier password"))
    resp = srv.post(f"/api/v1/destructions/{closed['id']}/close", {"certificate": "DC-MATRIX"}, admin)
    tap.eq(resp.status, 200, "a destruction batch is closed for the certificate route", repr(resp))

    traced = trace_setup(tap, reg, srv, admin, ids)
    transfers_setup(tap, srv, admin, ids)
    monitoring_setup(tap, srv, admin, ids)
    reports_setup(tap, srv, admin, ids)
    run_matrix(tap, srv, tokens, ids)
    if traced:
        check_trace_confidential(tap, srv, tokens, ids)
        check_trace_records(tap, srv, admin)
        check_trace_confinement(tap, srv, admin, ids)
    check_reports(tap, srv, admin, ids)
    check_refused_changed_nothing(tap, srv, admin, ids)
    check_confinement(tap, srv, admin, ids)
    tap.eq(srv.stop(), 0, "SIGTERM stops the server with exit code 0", srv.stderr())


if __name__ == "__main__":
    sys.exit(main(test))
