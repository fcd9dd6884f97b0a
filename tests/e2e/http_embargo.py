#!/usr/bin/env python3
"""e2e-http-embargo: arms embargoes, sanctions lists and screening over the
API.

The regimes reference file is uploaded (the same file again is 409 naming
version); the regimes are listed today and on a past date, one is read with
its procedures, and a destination is checked with a party. The fictitious
Consolidated List is uploaded as application/xml (the same again 409 naming
generated; a truncated copy 422 naming its line and element, a JSON body 415,
nothing written). A listed name is screened in Latin, Arabic and Cyrillic
script and a TSV batch answers as application/x-ndjson, one line per party.
A broker with a listed name raises an alert, which a viewer may not clear
(403), clearing without a reason is 422 naming it, and a licensing officer
clears it. An exemption is recorded under the Libya regime (one without a
regime is 422 naming regime), its notification is text/html, a viewer may
not record one (403), the committee's answer is recorded; notices are
listed. A caller confined to a site is refused every route (403); bad query
parameters are 400 naming them. The vocabulary carries both rooms' words,
and the ledger verifies.
"""
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import Registry, Server, error_shape, main, q  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("WAM_DATA_DIR") or os.path.join(HERE, "..", "..", "data")
REGIMES = os.path.join(DATA, "embargo", "regimes.json")
LIST = os.path.join(DATA, "sanctions", "fictitious-consolidated.xml")

EXEMPTION = {"regime": "libya", "procedure": "notify_no_objection", "notifying_state": "HT",
             "supplier": "Arsenal National", "manufacturer": "Arsenal National",
             "end_user": {"name": "Garde nationale libyenne", "country": "LY", "address": "Tripoli"},
             "items": [{"description": "9 mm pistols", "category": "SA1", "quantity": 4,
                        "serials": ["LY-001", "LY-002", "LY-003", "LY-004"]}],
             "supporting_note": "support to the security sector", "delivery_from": "2026-01-10",
             "delivery_until": "2026-02-10", "route": ["HT", "LY"], "notified_on": "2026-01-02"}


def test(tap):
    reg = Registry()
    reg.run("init", "--country", "HT")
    officer = reg.token("officer", "licensing")[0]
    viewer = reg.token("reader", "viewer")[0]
    auditor = reg.token("audit", "auditor")[0]
    registrar = reg.token("customs", "registrar")[0]
    srv = Server(reg)

    def events():
        return srv.get("/api/v1/summary", auditor).json["totals"]["events"]

    def shaped(resp, desc):
        tap.eq(error_shape(resp), None, f"{desc}: the error has its shape and catalogued message")

    # ---- regimes ----
    with open(REGIMES, encoding="utf-8") as f:
        regimes_file = json.load(f)
    resp = srv.post("/api/v1/regimes/import", regimes_file, viewer)
    tap.eq(resp.status, 403, "a viewer may not import the regimes file", repr(resp))
    n = events()
    resp = srv.post("/api/v1/regimes/import", regimes_file, officer)
    tap.eq(resp.status, 200, "POST /regimes/import loads the regimes file", repr(resp))
    tap.ok("car" in (resp.json or {}).get("added", []), "... adding the CAR regime")
    tap.eq(events(), n + 1, "... in one event")
    resp = srv.post("/api/v1/regimes/import", regimes_file, officer)
    tap.eq((resp.status, resp.error().get("field")), (409, "version"), "the same file again is 409 naming version",
           repr(resp))
    shaped(resp, "the file imported again")

    listed = {r["id"]: r for r in srv.get("/api/v1/regimes", viewer).json}
    tap.eq(listed.get("liberia", {}).get("in_force"), False, "GET /regimes: Liberia's embargo is not in force today")
    past = {r["id"]: r for r in srv.get("/api/v1/regimes" + q(on="2000-01-01"), viewer).json}
    tap.eq(past.get("liberia", {}).get("in_force"), True, "... it was on 2000-01-01")
    car = srv.get("/api/v1/regimes/car" + q(on="2020-06-01"), viewer)
    tap.eq((car.json or {}).get("applies", {}).get("target"), "territory", "GET /regimes/car?on=2020-06-01",
           repr(car))
    tap.eq(srv.get("/api/v1/regimes/nowhere", viewer).status, 404, "an unknown regime is 404")
    chk = srv.get("/api/v1/embargo-check" + q(country="CF", on="2025-08-01", name="Front armé du Nord"), viewer)
    tap.ok(chk.status == 200 and not chk.json["screening"]["clear"], "GET /embargo-check with a party finds CAR",
           repr(chk))
    chk = srv.get("/api/v1/embargo-check" + q(country="CF", on="2025-08-01", name="Gouvernement", government="true"),
                  viewer)
    tap.ok(chk.status == 200 and chk.json["screening"]["clear"], "... and spares the government", repr(chk))
    resp = srv.get("/api/v1/embargo-check" + q(country="CF", government="maybe"), viewer)
    tap.eq((resp.status, resp.error().get("field")), (400, "government"), "government=maybe is 400 naming it")
    shaped(resp, "government=maybe")
    resp = srv.get("/api/v1/embargo-check", viewer)
    tap.eq((resp.status, resp.error().get("field")), (400, "country"), "a check without a country is 400 naming it")

    # ---- the sanctions list ----
    with open(LIST, "rb") as f:
        xml = f.read()
    n = events()
    resp = srv.post("/api/v1/sanctions/import", xml, viewer, ctype="application/xml")
    tap.eq(resp.status, 403, "a viewer may not import a list")
    resp = srv.post("/api/v1/sanctions/import", xml[: len(xml) // 2], officer, ctype="application/xml")
    tap.eq(resp.status, 422, "a truncated list is 422", repr(resp))
    tap.ok(re.match(r"line \d+: .*tag [A-Z_]+", resp.error().get("message", "")),
           "... naming the line and the element", repr(resp))
    resp = srv.post("/api/v1/sanctions/import", {"list": "no"}, officer)
    tap.eq(resp.status, 415, "a JSON body is 415", repr(resp))
    shaped(resp, "a JSON list")
    tap.eq(events(), n, "the refused uploads wrote nothing")
    resp = srv.post("/api/v1/sanctions/import", xml, officer, ctype="application/xml")
    tap.eq(resp.status, 200, "POST /sanctions/import takes the Consolidated List XML", repr(resp))
    tap.eq(len((resp.json or {}).get("added", [])), 5, "... adding its five entries")
    resp = srv.post("/api/v1/sanctions/import", xml, officer, ctype="application/xml")
    tap.eq((resp.status, resp.error().get("field")), (409, "generated"), "the same list again is 409")
    tap.eq(len(srv.get("/api/v1/sanctions/imports", viewer).json), 1, "GET /sanctions/imports lists one import")
    entries = srv.get("/api/v1/sanctions/entries" + q(q="Ferzenko"), viewer).json
    tap.ok(entries and entries[0]["reference"] == "CDi.902", "GET /sanctions/entries?q= finds an entry", entries)
    one = srv.get(f"/api/v1/sanctions/entries/{entries[0]['id']}", viewer)
    tap.ok(one.status == 200 and one.json.get("history"), "GET /sanctions/entries/{id} has its history", repr(one))
    resp = srv.get("/api/v1/sanctions/entries" + q(removed="perhaps"), viewer)
    tap.eq((resp.status, resp.error().get("field")), (400, "removed"), "removed=perhaps is 400 naming it")

    # ---- screening ----
    for name, ref, script in (("Mustafa Yousef al-Qumrawi", "LYi.901", "Latin"),
                              ("مصطفى يوسف القمراوي", "LYi.901", "Arabic"),
                              ("Игорь Ферзенко", "CDi.902", "Cyrillic")):
        resp = srv.get("/api/v1/sanctions/screen" + q(name=name, explain="true"), viewer)
        cands = (resp.json or {}).get("candidates", [])
        tap.eq(cands[0]["entry"]["reference"] if cands else None, ref, f"a listed name in {script} script is found",
               repr(resp))
    resp = srv.get("/api/v1/sanctions/screen" + q(name="Jean-Baptiste Lafleur"), viewer)
    tap.eq(resp.json.get("candidates"), [], "an unlisted name is not")
    resp = srv.get("/api/v1/sanctions/screen" + q(name="x", threshold="high"), viewer)
    tap.eq((resp.status, resp.error().get("field")), (400, "threshold"), "threshold=high is 400 naming it")
    shaped(resp, "threshold=high")
    resp = srv.get("/api/v1/sanctions/screen", viewer)
    tap.eq((resp.status, resp.error().get("field")), (400, "name"), "screening without a name is 400 naming it")
    resp = srv.post("/api/v1/sanctions/screen", "Игорь Ферзенко\t1968\nJean-Baptiste Lafleur\t\tHT\n", viewer,
                    ctype="text/tab-separated-values")
    lines = [json.loads(x) for x in resp.body.decode().splitlines() if x.strip()]
    tap.ok(resp.status == 200 and (resp.header("Content-Type") or "").startswith("application/x-ndjson"),
           "POST /sanctions/screen answers application/x-ndjson", repr(resp))
    tap.eq([[c["entry"]["reference"] for c in x["candidates"]][:1] for x in lines], [["CDi.902"], []],
           "... one line per party with its candidates")
    resp = srv.post("/api/v1/sanctions/screen", "a\tb\tc\td\te\n", viewer, ctype="text/tab-separated-values")
    tap.eq(resp.status, 422, "a batch line with five fields is 422", repr(resp))
    resp = srv.post("/api/v1/sanctions/screen", "a\n", viewer, ctype="application/json")
    tap.eq(resp.status, 415, "a batch that is not TSV is 415")

    # ---- alerts ----
    resp = srv.post("/api/v1/brokers", {"name": "Sahel Fictive Trading Company", "country": "ML",
                                        "registration": "ML-BRK-9", "activities": ["brokering"]}, officer)
    tap.eq(resp.status, 201, "a broker with a listed name is registered", repr(resp))
    alerts = srv.get("/api/v1/sanctions/alerts" + q(state="open"), viewer).json
    tap.eq([a["entry"]["reference"] for a in alerts], ["QDe.904"], "GET /sanctions/alerts?state=open: its alert")
    aid = alerts[0]["id"] if alerts else "none"
    tap.eq(srv.get(f"/api/v1/sanctions/alerts/{aid}", viewer).status, 200, "GET /sanctions/alerts/{id}")
    n = events()
    resp = srv.post(f"/api/v1/sanctions/alerts/{aid}/clear", {"reason": "not them"}, viewer)
    tap.eq(resp.status, 403, "a viewer may not clear it")
    resp = srv.post(f"/api/v1/sanctions/alerts/{aid}/clear", {}, officer)
    tap.eq((resp.status, resp.error().get("field")), (422, "reason"), "clearing without a reason is 422 naming it")
    resp = srv.post(f"/api/v1/sanctions/alerts/{aid}/clear", "{not json", officer)
    tap.eq(resp.status, 400, "a malformed body is 400")
    tap.eq(events(), n, "... nothing written")
    resp = srv.post(f"/api/v1/sanctions/alerts/{aid}/clear", {"reason": "registered in Bamako in 1998"}, officer)
    tap.eq((resp.status, (resp.json or {}).get("state")), (200, "cleared"), "a licensing officer clears it")
    resp = srv.post(f"/api/v1/sanctions/alerts/{aid}/confirm", {"reason": "late"}, officer)
    tap.eq(resp.status, 409, "a cleared alert is not confirmed")

    # ---- exemptions and notices ----
    resp = srv.post("/api/v1/exemptions", EXEMPTION, viewer)
    tap.eq(resp.status, 403, "a viewer may not record an exemption")
    resp = srv.post("/api/v1/exemptions", {k: v for k, v in EXEMPTION.items() if k != "regime"}, officer)
    tap.eq((resp.status, resp.error().get("field")), (422, "regime"), "an exemption without a regime is 422 naming it")
    shaped(resp, "an exemption without its regime")
    resp = srv.post("/api/v1/exemptions", dict(EXEMPTION, supplier=""), officer)
    tap.eq((resp.status, resp.error().get("field")), (422, "supplier"), "an empty supplier is 422 naming it",
           repr(resp))
    resp = srv.post("/api/v1/exemptions", EXEMPTION, officer)
    tap.eq(resp.status, 201, "POST /exemptions records one under the Libya regime", repr(resp))
    xid = (resp.json or {}).get("id", "none")
    tap.eq(resp.header("Location"), f"/api/v1/exemptions/{xid}", "... at its Location")
    x = srv.get(f"/api/v1/exemptions/{xid}" + q(on="2026-01-03"), viewer)
    tap.eq((x.json or {}).get("fits"), False, "the day after its notification it does not fit yet", repr(x))
    resp = srv.post(f"/api/v1/exemptions/{xid}/decision", {"decision": "no_objection", "date": "2026-01-05",
                                                           "reference": "S/AC.52/2026/OC.3"}, officer)
    tap.eq(resp.status, 200, "the committee's no objection is recorded", repr(resp))
    x = srv.get(f"/api/v1/exemptions/{xid}" + q(on="2026-01-06"), viewer)
    tap.eq((x.json or {}).get("fits"), True, "... after which it fits", repr(x))
    resp = srv.get(f"/api/v1/exemptions/{xid}/notice", viewer)
    tap.ok(resp.status == 200 and (resp.header("Content-Type") or "").startswith("text/html")
           and b"LY-003" in resp.body, "GET /exemptions/{id}/notice is the notification in HTML", repr(resp))
    tap.ok(any(e["id"] == xid for e in srv.get("/api/v1/exemptions" + q(regime="libya"), viewer).json),
           "GET /exemptions?regime=libya lists it")
    tap.eq(srv.get("/api/v1/notices" + q(state="due"), viewer).status, 200, "GET /notices?state=due")
    tap.eq(srv.get("/api/v1/notices/none", viewer).status, 404, "an unknown notice is 404")

    # ---- national embargoes, kept ----
    resp = srv.post("/api/v1/embargoes", {"country": "GN", "reference": "Decree 1", "since": "2026-01-01"}, officer)
    tap.eq(resp.status, 201, "POST /embargoes records a national embargo", repr(resp))
    tap.ok(any("GN" in r.get("territories", []) for r in srv.get("/api/v1/embargoes", viewer).json),
           "GET /embargoes lists it")
    resp = srv.post(f"/api/v1/embargoes/{(resp.json or {}).get('id')}/lift",
                    {"date": "2026-02-01", "reference": "Decree 2"}, officer)
    tap.eq(resp.status, 200, "POST /embargoes/{id}/lift lifts it", repr(resp))

    # ---- confinement, vocabulary, ledger ----
    resp = srv.post("/api/v1/sites", {"name": "Depot", "kind": "depot"}, registrar)
    confined = reg.token("confined", "licensing", [resp.json["id"]])[0]
    for path in ("/api/v1/regimes", "/api/v1/sanctions/alerts", "/api/v1/exemptions", "/api/v1/notices"):
        tap.eq(srv.get(path, confined).status, 403, f"a caller confined to a site: GET {path} is 403")
    v = srv.get("/api/v1/vocabulary", viewer).json
    tap.ok("post_delivery_notice" in v.get("exemption_procedures", []) and "open" in v.get("alert_states", []),
           "the vocabulary carries the embargo and sanctions words", sorted(v))
    v = srv.get("/api/v1/verify", auditor).json
    tap.ok(v["intact"], "the registry verifies", str(v))
    tap.eq(srv.stop(), 0, "the server stops")


if __name__ == "__main__":
    sys.exit(main(test))
