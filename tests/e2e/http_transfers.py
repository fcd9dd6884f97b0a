#!/usr/bin/env python3
"""e2e-http-transfers: an export over the API as licensing officers and
customs see it — an embargo recorded, and screening a party in that country
finds it; an export licence for 100 weapons of category SA4 drafted with its
parties and line, assessed, refused issue by its drafter (403) and issued
by a second licensing officer in their own session; its end-user
certificate recorded with every element and verified authentic; 101 weapons
registered, 100 shipped (every one `exported`) and the 101st refused with
nothing recorded; the delivery verification certificate closes the
certificate, after which nothing more ships on it; a post-shipment check
that does not see one weapon opens a diversion alert, which is on the to-do
list and becomes a trace request. A viewer and a caller confined to a site
are refused (403), a malformed body is 400 and an unknown field 422 naming
it, with nothing recorded; the transfer records list the authorised and the
actual figures; the ledger verifies."""
import datetime
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import Registry, Server, catalogued, error_shape, main, q  # noqa: E402

TODAY = datetime.date.today()


def day(offset):
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


PASSWORD_A = "a long password of officer A"
PASSWORD_B = "a long password of officer B"
SERIALS = [f"FAL-{n:04d}" for n in range(1, 102)]

LICENCE = {
    "kind": "export", "number": "EXP-2026-0042", "authority": "Ministère du Commerce, Direction des licences",
    "officer": "A. Licensing", "valid_from": day(-30), "valid_until": day(335),
    "conditions": {"no_reexport_without_consent": True, "post_shipment_checks": True},
    "notes": "Transfer to the national police",
    "parties": [
        {"role": "exporter", "name": "Arsenal National", "country": "HT", "address": "Route de Delmas 12"},
        {"role": "importer", "name": "Direction de la Police nationale", "country": "SN",
         "address": "Boulevard de la République, Dakar"},
        {"role": "end_user", "name": "Police nationale du Sénégal", "country": "SN"},
        {"role": "carrier", "name": "Air Cargo Caraïbes"},
    ],
    "lines": [{"goods": "weapons", "category": "SA4", "make": "FN Herstal", "model": "FAL", "calibre": "7.62x51mm",
               "quantity": 100, "value": 150000, "currency": "EUR", "origin": "BE",
               "description": "Self-loading rifles"}],
}

ASSESSMENT = {
    "prohibitions": {"embargo": {"finding": "clear"}, "international_obligations": {"finding": "clear"},
                     "atrocity_crimes": {"finding": "clear", "evidence": "no report of the end user"}},
    "risks": {"peace_security": {"finding": "none"}, "ihl": {"finding": "none"},
              "human_rights": {"finding": "low", "evidence": "UPR 2024"}, "terrorism": {"finding": "none"},
              "organised_crime": {"finding": "low"}, "gender_based_violence": {"finding": "none"},
              "diversion": {"finding": "substantial", "evidence": "regional trafficking routes",
                            "mitigation": "post-shipment checks; marking before shipment"}},
    "decision": "approve", "reasons": "end user is a state police force; diversion risk mitigated",
    "officer": "A. Licensing",
}


def euc_body(licence_id):
    return {
        "licence_id": licence_id, "number": "SN-EUC-2026-0117", "issued": day(-10), "expires": day(355),
        "authority": {"name": "Ministère de l'Intérieur du Sénégal", "signatory": "M. Diop",
                      "position": "Directeur général", "stamp": True, "authentication": "note verbale 2026/114"},
        "exporter": {"name": "Arsenal National", "address": "Route de Delmas 12", "business_name": "ANH",
                     "country": "HT"},
        "end_user": {"name": "Police nationale du Sénégal", "position": "Directeur de la logistique",
                     "address": "Dakar", "country": "SN", "signed": True},
        "goods": [{"category": "SA4", "description": "FN FAL self-loading rifles", "model": "FAL",
                   "calibre": "7.62x51mm", "quantity": 100, "value": 150000, "currency": "EUR"}],
        "contract": {"reference": "CT-2026-77", "date": day(-40)},
        "destination": "SN",
        "intermediate_consignees": [{"role": "consignee", "name": "Transit Port Authority", "country": "CV"}],
        "end_use": "law enforcement by the national police", "sole_use_assurance": True,
        "no_reexport_undertaking": True, "dvc_required": True, "post_shipment_consent": True,
        "place_of_use": "Dakar region",
    }


def test(tap):
    reg = Registry()
    reg.run("init", "--country", "HT")
    reg.user("officer-a", "licensing", PASSWORD_A)
    reg.user("officer-b", "licensing", PASSWORD_B)
    registrar = reg.token("customs", "registrar")[0]
    viewer = reg.token("reader", "viewer")[0]
    auditor = reg.token("audit", "auditor")[0]
    srv = Server(reg)
    a = srv.session("officer-a", PASSWORD_A)
    b = srv.session("officer-b", PASSWORD_B)
    if not tap.ok(a and b, "both licensing officers sign in"):
        return

    def events():
        return srv.get("/api/v1/summary", auditor).json["totals"]["events"]

    def shaped(resp, desc):
        tap.eq(error_shape(resp), None, f"{desc}: the error has its shape and catalogued message")

    resp = srv.post("/api/v1/sites", {"name": "Port-au-Prince central depot", "kind": "depot"}, registrar)
    tap.eq(resp.status, 201, "a depot is registered", repr(resp))
    site = resp.json["id"]
    confined = reg.token("confined-licensing", "licensing", [site])[0]

    vocab = srv.get("/api/v1/vocabulary", viewer).json
    tap.ok("export" in vocab.get("licence_kinds", []) and "not_seen" in vocab.get("check_results", []),
           "GET /vocabulary carries the transfers words")

    # ---- embargo and screening ----
    resp = srv.post("/api/v1/embargoes", {"country": "CF", "reference": "S/RES/2127 (2013)", "since": "2013-12-05",
                                          "notes": "UN Security Council arms embargo"}, **a)
    tap.eq(resp.status, 201, "POST /embargoes: 201", repr(resp))
    embargo = resp.json
    tap.ok(embargo.get("active") is True and embargo.get("country") == "CF", "the embargo is in force", repr(resp))
    listed = srv.get("/api/v1/embargoes", viewer).json
    tap.eq([e["id"] for e in listed], [embargo["id"]], "GET /embargoes lists it")
    resp = srv.post("/api/v1/screening", {"party": {"role": "end_user", "name": "Forces armées centrafricaines",
                                                     "country": "CF"}}, **a)
    found = resp.json or {}
    tap.ok(resp.status == 200 and found.get("clear") is False and len(found.get("findings", [])) == 1,
           "screening an end user in an embargoed country is not clear", repr(resp))
    finding = (found.get("findings") or [{}])[0]
    tap.ok(finding.get("screen") == "embargo" and "S/RES/2127" in (finding.get("reference") or "")
           and finding.get("message_id") and isinstance(finding.get("args"), list),
           "the finding names the embargo screen and its resolution, with its message id", repr(finding))
    tap.eq(catalogued(finding), None, "the finding's message is in the catalogue")
    resp = srv.post("/api/v1/screening", {"party": {"role": "end_user", "name": "Police nationale du Sénégal",
                                                     "country": "SN"}}, **a)
    tap.ok(resp.status == 200 and resp.json == {"clear": True, "findings": []},
           "screening an end user elsewhere is clear", repr(resp))
    resp = srv.post("/api/v1/screening", {"party": {"role": "end_user", "name": "X", "country": "SN"},
                                          "when": "today"}, **a)
    tap.eq((resp.status, resp.error().get("field")), (422, "when"), "screening with an unknown field: 422 naming it")

    # ---- the licence: drafted, assessed, issued by a second officer ----
    before = events()
    resp = srv.post("/api/v1/licences", dict(LICENCE, colour="red"), **a)
    tap.eq((resp.status, resp.error().get("field")), (422, "colour"), "a licence with an unknown field: 422 naming it",
           repr(resp))
    shaped(resp, "the unknown field")
    resp = srv.request("POST", "/api/v1/licences", body='{"kind": "export", ', **a)
    tap.eq((resp.status, resp.error().get("code")), (400, "malformed"), "a body that is not JSON: 400 malformed")
    bad_line = dict(LICENCE, lines=[dict(LICENCE["lines"][0], quantity=0)])
    resp = srv.post("/api/v1/licences", bad_line, **a)
    tap.eq((resp.status, resp.error().get("field")), (422, "lines[0].quantity"),
           "a line of no weapons: 422 naming lines[0].quantity", repr(resp))
    resp = srv.post("/api/v1/licences", LICENCE, viewer)
    tap.eq(resp.status, 403, "a viewer may not draft a licence")
    resp = srv.post("/api/v1/licences", LICENCE, confined)
    tap.eq((resp.status, resp.error().get("code")), (403, "forbidden"),
           "a licensing token confined to a site may not draft one")
    tap.eq(srv.get("/api/v1/licences", confined).status, 403, "... nor list them")
    tap.eq(events(), before, "the refused requests recorded nothing")
    tap.eq(srv.get("/api/v1/licences", viewer).json, [], "no licence exists")

    resp = srv.post("/api/v1/licences", LICENCE, **a)
    tap.eq(resp.status, 201, "POST /licences: 201", repr(resp))
    lic = resp.json or {}
    tap.eq(resp.header("Location"), f"/api/v1/licences/{lic.get('id')}", "with its Location")
    tap.ok(lic.get("state") == "draft" and lic.get("screening_clear") is True and lic.get("destination") == "SN",
           "the licence is a draft, its parties clear, for Senegal", repr(resp))
    tap.eq([(p["role"], p["screening"]["clear"]) for p in lic.get("parties", [])],
           [("exporter", True), ("importer", True), ("end_user", True), ("carrier", True)],
           "each party carries its screening")
    tap.eq([(ln["quantity"], ln["shipped"], ln["remaining"]) for ln in lic.get("lines", [])], [(100, 0, 100)],
           "its line: 100 to ship")
    tap.eq(srv.post("/api/v1/licences", LICENCE, **a).status, 409, "the same number again: 409")
    lic_id = lic.get("id")
    got = srv.get(f"/api/v1/licences/{LICENCE['number']}", viewer)
    tap.eq((got.status, (got.json or {}).get("id")), (200, lic_id), "GET /licences/{number} finds it by its number")
    rows = srv.get("/api/v1/licences" + q(kind="export", state="draft"), viewer).json
    tap.ok(len(rows) == 1 and rows[0]["id"] == lic_id and rows[0]["quantity"] == 100,
           "GET /licences?kind=export&state=draft lists it", repr(rows))
    resp = srv.get("/api/v1/licences" + q(state="pending"), viewer)
    tap.eq(resp.status, 422, "an unknown licence state filter: 422", repr(resp))

    # a licence to an embargoed end user can only be denied
    resp = srv.post("/api/v1/licences", dict(
        LICENCE, number="EXP-2026-0043",
        parties=[LICENCE["parties"][0], {"role": "end_user", "name": "Forces armées centrafricaines",
                                         "country": "CF"}]), **a)
    embargoed = resp.json or {}
    tap.ok(resp.status == 201 and embargoed.get("screening_clear") is False,
           "a draft to an embargoed end user is kept, not clear", repr(resp))
    end_user = next((p for p in embargoed.get("parties", []) if p["role"] == "end_user"), {})
    tap.ok(not end_user.get("screening", {}).get("clear", True)
           and end_user["screening"]["findings"][0]["screen"] == "embargo",
           "its end user carries the embargo finding", repr(end_user))
    before = events()
    resp = srv.post(f"/api/v1/licences/{embargoed.get('id')}/assessment", ASSESSMENT, **a)
    tap.ok(resp.status in (409, 422), "approving it is refused", repr(resp))
    shaped(resp, "approving a licence to an embargoed end user")
    tap.eq(events(), before, "... and recorded nothing")

    resp = srv.post(f"/api/v1/licences/{lic_id}/assessment", ASSESSMENT, **a)
    tap.eq((resp.status, (resp.json or {}).get("state")), (200, "assessed"), "POST /assessment: assessed",
           repr(resp))
    assessment = (resp.json or {}).get("assessment") or {}
    tap.ok(assessment.get("decision") == "approve"
           and assessment.get("risks", {}).get("diversion", {}).get("finding") == "substantial",
           "the licence carries its assessment", repr(assessment))

    before = events()
    resp = srv.post(f"/api/v1/licences/{lic_id}/issue", None, **a)
    tap.eq(resp.status, 403, "its drafter may not issue it: 403", repr(resp))
    shaped(resp, "issue by the drafter")
    resp = srv.post(f"/api/v1/licences/{lic_id}/issue", {"by": "officer-b"}, **b)
    tap.eq((resp.status, resp.error().get("field")), (422, "by"), "issue takes no fields: 422 naming the field")
    resp = srv.post(f"/api/v1/licences/{lic_id}/issue", None, viewer)
    tap.eq(resp.status, 403, "a viewer may not issue it")
    tap.eq(events(), before, "the refused issues recorded nothing")
    tap.eq(srv.get(f"/api/v1/licences/{lic_id}", viewer).json["state"], "assessed", "it is still assessed")
    resp = srv.post(f"/api/v1/licences/{lic_id}/issue", None, **b)
    lic = resp.json or {}
    tap.ok(resp.status == 200 and lic.get("state") == "issued" and lic.get("issued_by") == "user:officer-b"
           and lic.get("drafted_by") == "user:officer-a",
           "a second licensing officer issues it", repr(resp))

    # ---- the end-user certificate ----
    resp = srv.post("/api/v1/eucs", dict(euc_body(lic_id), end_use=None), **a)
    tap.eq((resp.status, resp.error().get("field")), (422, "end_use"), "a certificate without its end use: 422",
           repr(resp))
    resp = srv.post("/api/v1/eucs", euc_body(LICENCE["number"]), **a)
    tap.eq(resp.status, 201, "POST /eucs (the licence named by its number): 201", repr(resp))
    euc = resp.json or {}
    euc_id = euc.get("id")
    tap.eq(resp.header("Location"), f"/api/v1/eucs/{euc_id}", "with its Location")
    tap.ok(euc.get("state") == "received" and euc.get("licence_id") == lic_id
           and euc.get("authority", {}).get("signatory") == "M. Diop"
           and euc.get("end_user", {}).get("signed") is True and euc.get("contract", {}).get("reference") == "CT-2026-77"
           and [c.get("name") for c in euc.get("intermediate_consignees", [])] == ["Transit Port Authority"]
           and euc.get("sole_use_assurance") is True and euc.get("no_reexport_undertaking") is True,
           "the certificate keeps every element", repr(resp))
    tap.eq(srv.post("/api/v1/eucs", dict(euc_body(lic_id), number="SN-EUC-2026-0118"), **a).status, 409,
           "a second certificate for the licence: 409")
    resp = srv.post(f"/api/v1/eucs/{euc_id}/verifications", {
        "channel": "note verbale 2026/114", "counterpart": "Embassy of Senegal", "result": "authentic",
        "notes": "signatory and stamp confirmed"}, **a)
    tap.eq((resp.status, (resp.json or {}).get("state")), (200, "verified"), "verified authentic", repr(resp))
    tap.eq([v["result"] for v in (resp.json or {}).get("verifications", [])], ["authentic"],
           "its verification is listed")
    rows = srv.get("/api/v1/eucs", viewer).json
    tap.ok(len(rows) == 1 and rows[0]["number"] == "SN-EUC-2026-0117" and rows[0]["state"] == "verified",
           "GET /eucs lists it", repr(rows))

    # ---- 101 weapons; 100 shipped ----
    ids = []
    for serial in SERIALS:
        resp = srv.post("/api/v1/items", {"category": "SA4", "make": "FN Herstal", "model": "FAL",
                                          "calibre": "7.62x51mm", "serial": serial, "country": "BE",
                                          "site_id": site}, registrar)
        if resp.status != 201:
            tap.ok(False, f"weapon {serial} is registered", repr(resp))
            return
        ids.append(resp.json["id"])
    tap.ok(True, "101 weapons are registered")
    body = {"licence_id": lic_id, "euc_id": euc_id, "items": ids[:100], "carrier": "Air Cargo Caraïbes",
            "route": ["HT", "CV", "SN"], "notes": "flight AC 401"}
    resp = srv.post("/api/v1/shipments", body, viewer)
    tap.eq(resp.status, 403, "a viewer may not ship")
    resp = srv.post("/api/v1/shipments", body, confined)
    tap.eq(resp.status, 403, "a caller confined to a site may not ship")
    resp = srv.post("/api/v1/shipments", body, **a)
    tap.eq(resp.status, 201, "POST /shipments with 100 weapons: 201", repr(resp))
    ship = resp.json or {}
    ship_id = ship.get("id")
    tap.eq(resp.header("Location"), f"/api/v1/shipments/{ship_id}", "with its Location")
    tap.ok(ship.get("weapons") == 100 and len(ship.get("items", [])) == 100 and ship.get("state") == "shipped"
           and ship.get("euc_id") == euc_id and ship.get("route") == ["HT", "CV", "SN"],
           "the shipment lists its 100 weapons", repr(resp)[:400])
    exported = srv.get("/api/v1/items" + q(status="exported", limit=200), viewer).json["items"]
    tap.eq(sorted(i["id"] for i in exported), sorted(ids[:100]), "the 100 weapons are exported")
    tap.ok(all(not i.get("site_id") for i in exported), "and at no site")
    lic = srv.get(f"/api/v1/licences/{lic_id}", viewer).json
    tap.eq([(ln["shipped"], ln["remaining"]) for ln in lic["lines"]], [(100, 0)], "the licence line is used up")
    tap.eq(lic["state"], "exhausted", "the licence is exhausted")

    before = events()
    resp = srv.post("/api/v1/shipments", {"licence_id": lic_id, "euc_id": euc_id, "items": [ids[100]]}, **a)
    tap.ok(resp.status in (409, 422), "the 101st weapon is refused: beyond the licence", repr(resp))
    shaped(resp, "the 101st weapon")
    tap.eq(events(), before, "... and nothing was recorded")
    tap.eq(srv.get(f"/api/v1/items/{ids[100]}", viewer).json["status"], "in_store", "the 101st weapon stays")

    resp = srv.post(f"/api/v1/shipments/{ship_id}/delivery", {"dvc": "DVC-2026-0042", "date": day(0)}, **a)
    tap.ok(resp.status == 200 and (resp.json or {}).get("state") == "delivered"
           and resp.json.get("dvc") == "DVC-2026-0042", "the delivery verification certificate: delivered",
           repr(resp)[:400])
    euc = srv.get(f"/api/v1/eucs/{euc_id}", viewer).json
    tap.ok(euc["state"] == "closed" and euc.get("dvc") == "DVC-2026-0042", "the certificate is closed",
           repr(euc)[:400])
    before = events()
    resp = srv.post("/api/v1/shipments", {"licence_id": lic_id, "euc_id": euc_id, "items": [ids[100]]}, **a)
    tap.ok(resp.status in (409, 422) and "closed" in resp.error().get("message", ""),
           "a shipment on the closed certificate is refused", repr(resp))
    tap.eq(events(), before, "... and nothing was recorded")
    rows = srv.get("/api/v1/shipments" + q(licence=LICENCE["number"]), viewer).json
    tap.ok(len(rows) == 1 and rows[0]["id"] == ship_id and rows[0]["weapons"] == 100
           and rows[0]["state"] == "delivered", "GET /shipments?licence= lists the one shipment", repr(rows))
    links = srv.get(f"/api/v1/items/{ids[0]}/links", viewer).json or {}
    tap.ok(any(ln.get("id") == ship_id for ln in links.get("shipments", [])),
           "a shipped weapon's links name its shipment", repr(links)[:400])

    # ---- post-shipment check: one weapon not seen ----
    check = {"date": day(0), "place": "Dakar, police central armoury", "inspectors": ["A. Licensing", "J. Ndiaye"],
             "items": [{"item_id": ids[0], "result": "seen"},
                       {"serial": SERIALS[1], "result": "not_seen", "notes": "not in the armoury"}]}
    resp = srv.post(f"/api/v1/eucs/{euc_id}/checks", dict(check, items=[{"item_id": ids[100], "result": "seen"}]),
                    **a)
    tap.eq(resp.status, 422, "a check of a weapon never shipped under the certificate: 422", repr(resp))
    resp = srv.post(f"/api/v1/eucs/{euc_id}/checks", check, viewer)
    tap.eq(resp.status, 403, "a viewer may not record a check")
    resp = srv.post(f"/api/v1/eucs/{euc_id}/checks", check, **a)
    tap.eq(resp.status, 200, "POST /eucs/{id}/checks: 200", repr(resp)[:400])
    alerts = srv.get("/api/v1/diversions" + q(state="open"), viewer).json
    tap.ok(len(alerts) == 1 and alerts[0]["item_id"] == ids[1] and alerts[0]["result"] == "not_seen"
           and alerts[0]["serial"] == SERIALS[1] and alerts[0]["destination"] == "SN",
           "the weapon not seen opens a diversion alert", repr(alerts))
    alert = alerts[0] if alerts else {}
    todo = srv.get("/api/v1/todo", **a).json
    item = next((it for it in todo["items"] if it["kind"] == "diversion_alerts"), None)
    tap.ok(item and item["count"] == 1 and item["list"][0]["id"] == alert.get("id")
           and SERIALS[1] in str(item["list"][0].get("title")),
           "GET /todo shows the alert to a licensing officer", repr(todo))
    resp = srv.post(f"/api/v1/diversions/{alert.get('id')}/trace", None, viewer)
    tap.eq(resp.status, 403, "a viewer may not trace it")
    resp = srv.post(f"/api/v1/diversions/{alert.get('id')}/trace", None, **b)
    traced = resp.json or {}
    tap.ok(resp.status == 200 and traced.get("state") == "traced" and traced.get("trace_request_id"),
           "POST /diversions/{id}/trace: traced, naming the request", repr(resp))
    tr = srv.get(f"/api/v1/traces/{traced.get('trace_request_id')}", **b)
    tap.ok(tr.status == 200 and tr.json["state"] == "draft" and tr.json["item"]["serial"] == SERIALS[1]
           and tr.json["requested"]["state"] == "SN",
           "the trace request is a draft for the weapon, to the state of destination", repr(tr)[:600])
    tap.eq(srv.post(f"/api/v1/diversions/{alert.get('id')}/trace", None, **b).status, 409, "traced twice: 409")
    tap.eq(srv.get("/api/v1/diversions" + q(state="open"), viewer).json, [], "no alert is open")

    # ---- transfer records ----
    rows = srv.get("/api/v1/transfer-records" + q(year=TODAY.year), viewer).json
    auth = [r for r in rows if r["figure"] == "authorised"]
    actual = [r for r in rows if r["figure"] == "actual"]
    tap.ok(len(auth) == 1 and auth[0]["items"] == 100 and auth[0]["category"] == "SA4"
           and auth[0]["partner"] == "SN" and auth[0]["direction"] == "export"
           and auth[0]["licence_number"] == LICENCE["number"], "GET /transfer-records: the authorised row",
           repr(rows))
    tap.ok(len(actual) == 1 and actual[0]["items"] == 100 and actual[0]["shipment_id"] == ship_id
           and actual[0]["partner"] == "SN", "... and the actual row", repr(rows))
    rows = srv.get("/api/v1/transfer-records" + q(year=TODAY.year, figure="actual"), viewer).json
    tap.eq([r["figure"] for r in rows], ["actual"], "figure=actual lists the actual row only")
    tap.eq(srv.get("/api/v1/transfer-records" + q(year="last"), viewer).status, 400, "a year that is no number: 400")

    v = srv.get("/api/v1/verify", auditor).json
    tap.ok(v["intact"], "the registry verifies", str(v))
    tap.eq(srv.stop(), 0, "the server stops")


if __name__ == "__main__":
    sys.exit(main(test))
