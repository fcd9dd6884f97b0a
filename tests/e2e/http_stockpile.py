#!/usr/bin/env python3
"""e2e-http-stock-a: ammunition lots, moves and custody over HTTP.

What a user of the API sees: a lot issue of more than the lot holds is 409
naming the rounds available and writes nothing; a split keeps the lot's
identity; a store mixing forbidden compatibility groups is reported with
the rule and the lots; a weapon's move is refused to an unknown site and
recorded with from and to; the two-person rule refuses the issuer as
confirmer (403) and lets another user confirm; an issued weapon cannot be
issued again. Then site confinement: an armourer token confined to sites A
and A2 sees and acts on the lots, weapons and custody of those sites only
(404 for another site's records, 403 for naming another site), and nothing
refused is recorded. The ledger is intact at the end.
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import Registry, Server, error_shape, main, q  # noqa: E402


def events(srv, admin):
    return srv.get("/api/v1/summary", admin).json["totals"]["events"]


def refused(tap, resp, status, desc, field=None):
    ok = resp.status == status and not error_shape(resp)
    if field:
        ok = ok and resp.error().get("field") == field
    tap.ok(ok, desc, repr(resp))


def test(tap):
    reg = Registry()
    reg.run("init", "--country", "HT")
    a = reg.wam("site", "add", "Site A", "--kind", "depot")["id"]
    a2 = reg.wam("site", "add", "Site A2", "--kind", "room", "--parent", a)["id"]
    b = reg.wam("site", "add", "Site B", "--kind", "armoury")["id"]

    def gun(serial, site):
        return reg.wam("item", "add", "--category", "SA1", "--make", "Glock", "--model", "17", "--serial", serial,
                       "--country", "AT", "--site", site)["id"]

    gun_a, gun_a_2, gun_b = gun("A-1", a), gun("A-2", a), gun("B-1", b)
    admin, _ = reg.token("stock-admin", "admin")
    armourer, _ = reg.token("stock-armourer", "armourer")
    confined, _ = reg.token("armourer-a", "armourer", sites=(a, a2))
    viewer, _ = reg.token("stock-viewer", "viewer")
    # a closed stock check at site B with its weapon missing: an investigation there
    checkers = [reg.user("checker-1", "armourer", "checker one password"),
                reg.user("checker-2", "armourer", "checker two password")]
    check_b = reg.wam("stock", "open", "--site", b, "--type", "FULL_SERIAL", "--checkers", ",".join(checkers))["id"]
    reg.wam("stock", "close", check_b)
    inv_b = reg.wam("stock", "investigations", "--check", check_b)[0]["id"]
    registrar_a, _ = reg.token("registrar-a", "registrar", sites=(a, a2))
    # a person who confirms and resolves, signed in as themselves: the
    # owner's tokens stand for the owner, who opened the check at B
    reg.user("duty-officer", "admin", "duty officer password")
    srv = Server(reg)
    officer = srv.session("duty-officer", "duty officer password")

    # ---- lots ----
    lot = {"nomenclature": "Cartridge 9x19mm ball", "lot_number": "L-9", "batch_number": "B1", "rounds": 1000,
           "packages": 10, "hazard_division": "1.4", "compat_group": "S", "neq_g": 0.4, "site_id": a,
           "expiry": "2027-01-15"}
    resp = srv.post("/api/v1/lots", lot, armourer)
    tap.eq(resp.status, 201, "POST /lots records a lot", repr(resp))
    lot_a = resp.json["id"]
    tap.eq(resp.header("Location"), f"/api/v1/lots/{lot_a}", "... with its Location")
    tap.eq(resp.json["neq_total_g"], 400, "... and its total NEQ")
    refused(tap, srv.post("/api/v1/lots", dict(lot, hazard_division="2.1"), armourer), 422,
            "an unknown hazard division: 422 naming it", "hazard_division")
    refused(tap, srv.post("/api/v1/lots", lot, viewer), 403, "a viewer cannot record a lot")
    before = events(srv, admin)
    resp = srv.post(f"/api/v1/lots/{lot_a}/issues", {"rounds": 1001, "recipient": "2 Bn", "document": "ISS-1"},
                    armourer)
    refused(tap, resp, 409, "an issue of more than the lot holds: 409", "rounds")
    tap.ok("holds 1000 rounds" in resp.error().get("message", ""), "... naming the rounds available", repr(resp))
    tap.eq(events(srv, admin), before, "... and nothing was written")
    resp = srv.post(f"/api/v1/lots/{lot_a}/issues", {"rounds": 100, "recipient": "2 Bn", "document": "ISS-1"},
                    armourer)
    tap.ok(resp.status == 200 and resp.json["rounds"] == 900, "an issue takes rounds out", repr(resp))
    resp = srv.post(f"/api/v1/lots/{lot_a}/receipts", {"rounds": 50, "document": "GRN-1"}, armourer)
    tap.ok(resp.status == 200 and resp.json["rounds"] == 950, "a receipt adds rounds", repr(resp))
    resp = srv.post(f"/api/v1/lots/{lot_a}/split", {"rounds": 150, "site_id": a2}, armourer)
    tap.ok(resp.status == 201 and resp.json["lot_number"] == "L-9" and resp.json["batch_number"] == "B1"
           and resp.json["parent_id"] == lot_a and resp.json["rounds"] == 150, "a split keeps the lot identity",
           repr(resp))
    part = resp.json["id"]
    hist = srv.get(f"/api/v1/lots/{lot_a}/history", viewer).json
    tap.eq([(h["type"], h["rounds_change"], h["document"]) for h in hist],
           [("lot.recorded", 1000, None), ("lot.issued", -100, "ISS-1"), ("lot.received", 50, "GRN-1"),
            ("lot.split", -150, None)], "GET /lots/{id}/history: each change with its rounds and document")
    resp = srv.post(f"/api/v1/lots/{part}/condition", {"condition": "SUSPENDED", "reason": "surveillance"}, armourer)
    tap.ok(resp.status == 200 and resp.json["condition"] == "SUSPENDED", "a condition change", repr(resp))
    got = srv.get("/api/v1/lots" + q(condition="SUSPENDED"), viewer).json
    tap.eq([x["id"] for x in got], [part], "GET /lots?condition=SUSPENDED lists the suspended lot")
    got = srv.get("/api/v1/lots/expiring" + q(days=60, as_of="2026-12-01"), viewer).json
    tap.eq(sorted(x["id"] for x in got), sorted([lot_a, part]), "GET /lots/expiring lists both parts")
    det = srv.post("/api/v1/lots", dict(lot, nomenclature="Detonator", lot_number="D-1", compat_group="B",
                                        hazard_division="1.1", site_id=a2), armourer).json["id"]
    gre = srv.post("/api/v1/lots", dict(lot, nomenclature="Grenade", lot_number="G-1", compat_group="F",
                                        hazard_division="1.1", site_id=a2), armourer).json["id"]
    resp = srv.get(f"/api/v1/sites/{a2}/compatibility", viewer)
    v = resp.json.get("violations", []) if resp.status == 200 else []
    tap.ok(len(v) == 1 and v[0]["groups"] == "B+F" and v[0]["rule"] == "forbidden"
           and sorted(x["id"] for x in v[0]["lots"]) == sorted([det, gre]) and resp.json["compatible"] is False,
           "a store mixing B and F is flagged with the rule and the lots", repr(resp))
    resp = srv.get(f"/api/v1/sites/{a}/tree", viewer)
    tap.eq([s["id"] for s in resp.json], [a, a2], "GET /sites/{id}/tree: the site and the site within it")

    # ---- moves ----
    before = events(srv, admin)
    refused(tap, srv.post(f"/api/v1/items/{gun_a}/move", {"to": "01M8BD3RQYVMP3EF38SN65XY1E", "reason": "x"},
                          armourer), 422, "a move to an unknown site: 422", "to")
    refused(tap, srv.post(f"/api/v1/items/{gun_a}/move", {"to": a, "reason": "x"}, armourer), 422,
            "a move to where the weapon is: 422", "to")
    tap.eq(events(srv, admin), before, "... and nothing was written")
    resp = srv.post(f"/api/v1/items/{gun_a}/move", {"to": a2, "reason": "rack repair", "document": "MV-1"}, armourer)
    tap.ok(resp.status == 200 and resp.json["site_id"] == a2, "a weapon moves to another site", repr(resp))
    hist = srv.get(f"/api/v1/items/{gun_a}/history", viewer).json["events"]
    mv = [h for h in hist if h["type"] == "location.moved"]
    tap.ok(mv and mv[0]["after"]["from"] == a and mv[0]["after"]["to"] == a2
           and mv[0]["actor"] == "token:stock-armourer", "the history shows the move with from, to and who",
           repr(mv))

    # ---- custody ----
    resp = srv.post("/api/v1/custody", {"item_id": gun_a_2, "person": "Sgt Marie", "unit": "3 Coy",
                                        "expected_return": "2099-01-01", "two_person": True}, armourer)
    tap.ok(resp.status == 201 and resp.json["state"] == "pending", "an issue under the two-person rule is pending",
           repr(resp))
    cid = resp.json["id"]
    before = events(srv, admin)
    resp = srv.post(f"/api/v1/custody/{cid}/confirm", None, armourer)
    refused(tap, resp, 403, "the issuer cannot confirm it: 403")
    tap.ok("two-person rule" in resp.error().get("message", ""), "... the error says why", repr(resp))
    tap.eq(events(srv, admin), before, "... and nothing was written")
    refused(tap, srv.post(f"/api/v1/custody/{cid}/confirm", None, viewer), 403, "a viewer cannot confirm")
    resp = srv.post(f"/api/v1/custody/{cid}/confirm", None, admin)
    refused(tap, resp, 403, "a token does not confirm, held by a program whoever added it", "confirmed_by")
    resp = srv.post(f"/api/v1/custody/{cid}/confirm", None, **officer)
    tap.ok(resp.status == 200 and resp.json["state"] == "open" and resp.json["confirmed_by"] == "user:duty-officer",
           "another user confirms it", repr(resp))
    tap.eq(srv.get(f"/api/v1/items/{gun_a_2}", viewer).json["status"], "issued", "the weapon is issued")
    refused(tap, srv.post("/api/v1/custody", {"item_id": gun_a_2, "person": "X", "unit": "Y",
                                              "expected_return": "2099-01-01"}, armourer), 409,
            "issuing an issued weapon: 409", "item_id")
    refused(tap, srv.post("/api/v1/custody", {"item_id": "01HZZZZZZZZZZZZZZZZZZZZZZZ", "person": "X", "unit": "Y",
                                              "expected_return": "2099-01-01"}, armourer), 404,
            "issuing a weapon that does not exist: 404 naming item_id", "item_id")
    got = srv.get("/api/v1/custody/overdue" + q(as_of="2099-02-01"), armourer).json
    tap.eq([c["id"] for c in got], [cid], "GET /custody/overdue lists it after its return date")
    resp = srv.post(f"/api/v1/custody/{cid}/return", {"note": "clean"}, armourer)
    tap.ok(resp.status == 200 and resp.json["state"] == "returned", "the weapon comes back", repr(resp))
    refused(tap, srv.post(f"/api/v1/custody/{cid}/return", None, armourer), 409, "returning it twice: 409")
    again = srv.post("/api/v1/custody", {"item_id": gun_a_2, "person": "Cpl Paul", "unit": "1 Coy",
                                         "expected_return": "2099-01-01"}, armourer)
    tap.ok(again.status == 201 and again.json["state"] == "open", "the weapon can be issued again", repr(again))
    before = events(srv, admin)
    refused(tap, srv.post(f"/api/v1/custody/{cid}/return", None, armourer), 409,
            "the old custody's return does not close the new one: 409", "id")
    tap.eq(events(srv, admin), before, "... and nothing was written")
    resp = srv.post(f"/api/v1/custody/{again.json['id']}/return", None, armourer)
    tap.ok(resp.status == 200 and resp.json["state"] == "returned", "the new custody is returned by its id",
           repr(resp))
    resp = srv.request("PUT", f"/api/v1/sites/{b}/custody-rule", body={"two_person": True}, token=armourer)
    tap.ok(resp.status == 200 and resp.json["two_person"] is True, "PUT /sites/{id}/custody-rule", repr(resp))

    # ---- confinement to sites A and A2 ----
    lot_b = srv.post("/api/v1/lots", dict(lot, lot_number="L-B", site_id=b), armourer).json["id"]
    got = srv.get("/api/v1/lots", confined).json
    tap.ok(got and all(x["site_id"] in (a, a2) for x in got), "a confined caller lists only its sites' lots",
           [x["site_id"] for x in got])
    before = events(srv, admin)
    refused(tap, srv.get(f"/api/v1/lots/{lot_b}", confined), 404, "another site's lot: 404")
    refused(tap, srv.get(f"/api/v1/lots/{lot_b}/history", confined), 404, "another site's lot history: 404")
    refused(tap, srv.post(f"/api/v1/lots/{lot_b}/issues", {"rounds": 1, "recipient": "x", "document": "d"},
                          confined), 404, "issuing from another site's lot: 404")
    refused(tap, srv.post("/api/v1/lots", dict(lot, lot_number="L-X", site_id=b), confined), 403,
            "recording a lot at another site: 403", "site_id")
    refused(tap, srv.post(f"/api/v1/lots/{lot_a}/split", {"rounds": 1, "site_id": b}, confined), 403,
            "splitting to another site: 403", "site_id")
    refused(tap, srv.post(f"/api/v1/items/{gun_b}/move", {"to": a, "reason": "x"}, confined), 404,
            "moving another site's weapon: 404")
    refused(tap, srv.post(f"/api/v1/items/{gun_a_2}/move", {"to": b, "reason": "x"}, confined), 403,
            "moving a weapon to another site: 403", "to")
    refused(tap, srv.post("/api/v1/custody", {"item_id": gun_b, "person": "X", "unit": "Y",
                                              "expected_return": "2099-01-01"}, confined), 404,
            "issuing another site's weapon: 404")
    refused(tap, srv.get(f"/api/v1/sites/{b}/compatibility", confined), 404, "another site's compatibility: 404")
    refused(tap, srv.get(f"/api/v1/sites/{b}/tree", confined),
            404, "another site's tree: 404")
    tap.eq(events(srv, admin), before, "the refused requests wrote nothing")
    resp = srv.post(f"/api/v1/items/{gun_a_2}/move", {"to": a2, "reason": "to the rack"}, confined)
    tap.ok(resp.status == 200 and resp.json["site_id"] == a2, "a confined caller moves between its own sites",
           repr(resp))
    issued_b = srv.post("/api/v1/custody", {"item_id": gun_b, "person": "P", "unit": "U",
                                            "expected_return": "2099-01-01"}, armourer).json
    tap.eq(issued_b.get("state"), "pending", "site B's rule makes its issues pending")
    got = srv.get("/api/v1/custody", confined).json
    tap.ok(got and all(c["site_id"] in (a, a2) for c in got), "a confined caller lists only its sites' custody",
           [c["site_id"] for c in got])
    refused(tap, srv.get(f"/api/v1/custody/{issued_b['id']}", confined), 404, "another site's custody: 404")
    refused(tap, srv.post(f"/api/v1/custody/{issued_b['id']}/confirm", None, confined), 404,
            "confirming another site's issue: 404")

    # ---- stock checks under confinement ----
    before = events(srv, admin)
    refused(tap, srv.get(f"/api/v1/checks/{check_b}", confined), 404, "another site's stock check: 404")
    refused(tap, srv.post(f"/api/v1/checks/investigations/{inv_b}/resolve", {"outcome": "lost", "reason": "x"},
                          registrar_a), 404, "resolving another site's investigation: 404, as its check is",
            "investigation")
    refused(tap, srv.post("/api/v1/checks/investigations/01JZZZZZZZZZZZZZZZZZZZZZZZ/resolve",
                          {"outcome": "lost", "reason": "x"}, registrar_a), 404,
            "an investigation that does not exist: the same 404", "investigation")
    resp = srv.post("/api/v1/checks", {"site_id": b, "type": "FULL_SERIAL", "checkers": checkers}, confined)
    refused(tap, resp, 403, "opening a check at another site: 403", "site_id")
    # the site named in the message was once read from freed memory
    tap.eq(resp.error().get("message"), f"you may not act at site {b}", "the 403 names the site it refused")
    tap.eq(events(srv, admin), before, "the refused check requests wrote nothing")
    resp = srv.post(f"/api/v1/checks/investigations/{inv_b}/resolve", {"outcome": "lost", "reason": "not found"},
                    admin)
    refused(tap, resp, 403, "the owner who opened the check does not resolve it with a token they added (R9)", "by")
    resp = srv.post(f"/api/v1/checks/investigations/{inv_b}/resolve", {"outcome": "lost", "reason": "not found"},
                    **officer)
    tap.ok(resp.status == 200, "an unconfined registrar's resolution still goes through", repr(resp))

    resp = srv.get("/api/v1/verify", admin)
    tap.ok(resp.status == 200 and resp.json["intact"], "the ledger is intact after all of it", repr(resp))
    tap.eq(srv.stop(), 0, "SIGTERM stops the server with exit code 0", srv.stderr())


if __name__ == "__main__":
    sys.exit(main(test))
