#!/usr/bin/env python3
"""e2e-http-loss: one loss, one record, over the API.

On a demo registry the weapons the dashboard counts lost or stolen
(GET /summary) are exactly the open loss reports (GET /losses?open=1), one
each. A weapon marked stolen through its status (POST /items/{id}/status)
adds exactly one open loss report, with the reason as its circumstances,
and the lost/stolen CSV carries it; a loss reported first (POST /losses)
is the one record of its status change. The weapon's links
(GET /items/{id}/links) name its loss report and the parts the other rooms
hold; a caller confined to sites gets no part that covers the whole
registry, and a weapon of another site is not there.

Ammunition lost alone (the demo's rounds stolen from a police armoury, and
one reported here) is a report with no weapon (item_id null) and its lines:
open, listed with them, not in the weapons-only CSV; a bad line is a 422
naming the field with its index, and writes nothing; a caller confined to
sites gets no loss report at all."""
import csv
import io
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import Registry, Server, main  # noqa: E402


def body(tap):
    reg = Registry()
    reg.wam("init", "--country", "HT", "--name", "Haiti")
    reg.demo(3000)
    tracer, _ = reg.token("registrar", "registrar")
    srv = Server(reg)

    def get(path, token=tracer):
        return srv.request("GET", path, token=token)

    def open_losses():
        r = get("/api/v1/losses?open=1")
        return r.json if r.status == 200 else []

    def weapons_of(reports):
        return [x for x in reports if x["item_id"] is not None]

    summary = get("/api/v1/summary").json
    lost = summary["by_status"].get("lost", 0) + summary["by_status"].get("stolen", 0)
    losses = weapons_of(open_losses())
    tap.ok(lost > 0, "the demo has lost and stolen weapons", summary["by_status"])
    tap.eq(len(losses), lost, "the dashboard's lost and stolen weapons are the open loss reports of weapons")
    tap.eq(len({r["item_id"] for r in losses}), len(losses), "one open report per weapon")
    tap.ok(all(isinstance(r.get("hits"), int) for r in losses), "each report counts its hits")

    # a weapon in store, marked stolen through its status
    def listed(path):
        out = get(path).json
        return out.get("items", []) if isinstance(out, dict) else out

    items = listed("/api/v1/items?status=in_store&limit=5")
    item = items[0]
    r = srv.request("POST", f"/api/v1/items/{item['id']}/status",
                    {"status": "stolen", "reason": "taken from the rack during the night shift"}, token=tracer)
    tap.eq(r.status, 200, "the status change is recorded", r)
    after = weapons_of(open_losses())
    tap.eq(len(after), len(losses) + 1, "it adds exactly one open loss report")
    mine = [x for x in after if x["item_id"] == item["id"]]
    tap.eq(len(mine), 1, "one report for the weapon")
    if mine:
        tap.eq(mine[0]["kind"], "stolen", "its kind is the new status")
        tap.eq(mine[0]["circumstances"], "taken from the rack during the night shift", "its circumstances the reason")
        tap.eq(mine[0]["reported_by"], "registrar", "reported by whoever changed the status")
    summary = get("/api/v1/summary").json
    tap.eq(summary["by_status"].get("lost", 0) + summary["by_status"].get("stolen", 0), len(after),
           "the dashboard still agrees")
    r = get("/api/v1/losses/export")
    rows = list(csv.DictReader(io.StringIO(r.body.decode())))
    tap.eq(r.status, 200, "the lost/stolen CSV")
    tap.eq(len(rows), len(after), "the CSV carries every open report of a weapon")
    tap.eq(sum(1 for x in rows if x["wam_item_id"] == item["id"]), 1, "and the new one once")

    # a loss reported first is the one record of the status change it makes
    other = items[1]
    r = srv.request("POST", "/api/v1/losses",
                    {"item_id": other["id"], "kind": "lost", "date": "2026-01-05",
                     "circumstances": "left behind at a checkpoint", "reported_by": "Insp. Noël"}, token=tracer)
    tap.eq(r.status, 201, "a loss report", r)
    every = get("/api/v1/losses?open=0").json
    tap.eq(sum(1 for x in every if x["item_id"] == other["id"]), 1, "no second report from its status change")

    # ammunition lost alone
    rounds = [x for x in open_losses() if x["item_id"] is None]
    tap.eq([(x["kind"], x["ammunition"][0]["headstamp"]["text"], x["ammunition"][0]["lot"],
             x["ammunition"][0]["quantity"]) for x in rounds],
           [("stolen", "71 81", "12-81-071", 2880)], "the demo's rounds stolen from an armoury: open, no weapon")
    report = {"kind": "lost", "date": "2026-01-06", "circumstances": "a box missing at the range's inventory",
              "reported_by": "Sgt. Pierre",
              "ammunition": [{"calibre": "9x19mm", "type": "ball", "headstamp": {"text": "S&B 19"},
                              "quantity": 250, "packages": 5}]}
    events = srv.request("GET", "/api/v1/summary", token=tracer).json["totals"]["events"]
    bad = dict(report, ammunition=[report["ammunition"][0], {"calibre": "9x19mm", "quantity": -3}])
    r = srv.request("POST", "/api/v1/losses", bad, token=tracer)
    tap.eq((r.status, (r.json or {}).get("error", {}).get("field")), (422, "ammunition[1].quantity"),
           "a bad line: 422 naming it", r)
    r = srv.request("POST", "/api/v1/losses", {k: v for k, v in report.items() if k != "ammunition"}, token=tracer)
    tap.eq((r.status, (r.json or {}).get("error", {}).get("field")), (422, "item_id"),
           "neither weapon nor ammunition: 422 naming item_id", r)
    tap.eq(get("/api/v1/summary").json["totals"]["events"], events, "nothing was written")
    r = srv.request("POST", "/api/v1/losses", report, token=tracer)
    tap.eq(r.status, 201, "ammunition lost alone", r)
    made = r.json or {}
    tap.eq((made.get("item_id"), made.get("open"), made.get("hits"), made.get("ammunition")),
           (None, True, [], [{"line": 0, "calibre": "9x19mm", "type": "ball", "headstamp": {"text": "S&B 19"},
                              "quantity": 250, "packages": 5}]),
           "no weapon, open, no hits, its line", made)
    listed_all = get("/api/v1/losses").json
    tap.eq([x["ammunition"] for x in listed_all if x["id"] == made.get("id")], [made.get("ammunition")],
           "GET /losses shows its line")
    rows = list(csv.DictReader(io.StringIO(get("/api/v1/losses/export").body.decode())))
    tap.eq([x for x in rows if x["reference"] == made.get("id")], [], "the weapons-only CSV leaves it out")
    armourer, _ = reg.token("armourer-ammo", "armourer", sites=[item.get("site_id")])
    tap.eq(get("/api/v1/losses", token=armourer).status, 403, "a caller confined to sites gets no loss report")

    # the weapon's links
    r = get(f"/api/v1/items/{item['id']}/links")
    tap.eq(r.status, 200, "the weapon's links", r)
    links = r.json or {}
    for part in ("losses", "hits", "traces", "recoveries", "custody", "checks", "destructions"):
        tap.ok(isinstance(links.get(part), list), f"links has its {part}", links)
    tap.eq([x["id"] for x in links.get("losses", [])], [mine[0]["id"]] if mine else [], "it links to its loss report")
    loss = (links.get("losses") or [{}])[0]
    tap.eq((loss.get("kind"), loss.get("label", {}).get("open"), loss.get("date") is not None),
           ("loss", True, True), "a link is {kind, id, date, label}", loss)
    tap.eq(get("/api/v1/items/01JNOSUCHWEAPON00000000000/links").status, 404, "no such weapon: 404")

    # confined to the weapon's site: its own parts only
    site = item.get("site_id")
    armourer, _ = reg.token("armourer", "armourer", sites=[site])
    r = get(f"/api/v1/items/{item['id']}/links", token=armourer)
    tap.eq(r.status, 200, "a caller confined to the weapon's site sees its links", r)
    tap.ok(r.json and "losses" not in r.json and "traces" not in r.json and "hits" in r.json,
           "but no part that covers the whole registry", r.json)
    elsewhere = [x for x in listed("/api/v1/items?limit=200") if x.get("site_id") and x["site_id"] != site]
    if elsewhere:
        tap.eq(get(f"/api/v1/items/{elsewhere[0]['id']}/links", token=armourer).status, 404,
               "a weapon of another site is not there")
    srv.stop()
    rc, out, err = reg.run("verify", check=False)
    tap.eq(rc, 0, "the registry verifies", err)


if __name__ == "__main__":
    sys.exit(main(body))
