#!/usr/bin/env python3
"""e2e-http-search-ammunition: GET /api/v1/search/ammunition.

Ammunition seen in the field (an observation's items) and held in depots
(lots) is found from a headstamp or lot marks as read — a misread
character, a Cyrillic look-alike, Arabic-Indic digits, a lost tail — best
first, each result with where it is recorded and what matched; a calibre
keeps its own lines whatever its spelling. A caller confined to a depot
gets that depot's lots and no observation. One wrong digit in a short
headstamp still finds it, as an edit; a lot taken in from a recovered line
is found by the line's factory code and carries its origin; the SDG report
names a calibre by the spelling most lines have. Bad queries answer 400 naming
the field, in the catalogued error shape; a search writes nothing."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import Registry, Server, error_shape, main, q  # noqa: E402

OBSERVATION = {
    "kind": "cache_recovery", "observed_at": "2026-03-02", "unit": "Embargo cell", "officer": "Maj. Diallo",
    "place": {"name": "PK5", "admin_area": "Bangui", "country": "CF"},
    "sources": [{"type": "official", "independent": True, "reliability": "C", "credibility": 3, "ref": "O-7"}],
    "items": [
        {"kind": "ammunition", "calibre": "7.62x39mm", "headstamp": {"text": "71 81", "factory": "71", "year": 1981},
         "lot": "12-81-071", "quantity": 1200},
        {"kind": "ammunition", "calibre": "7,62×39", "headstamp": {"text": "539 83"}, "lot": "LOT 07-83",
         "quantity": 440},
        {"kind": "ammunition", "calibre": "5.45x39mm", "headstamp": {"text": "٣٠ ٨٤"}, "quantity": 100},
    ],
}


def body(tap):
    reg = Registry()
    reg.wam("init", "--country", "HT", "--name", "Haiti")
    north = reg.wam("site", "add", "North Depot", "--kind", "depot")["id"]
    south = reg.wam("site", "add", "South Depot", "--kind", "depot")["id"]

    def lot(site, calibre, headstamp, number):
        return reg.wam("lot", "add", "--nomenclature", "Cartridge", "--rounds", "5000", "--hazard", "1.4",
                       "--group", "S", "--site", site, "--calibre", calibre, "--headstamp", headstamp,
                       "--lot", number)["id"]

    l71 = lot(north, "7.62x39mm", "71 81", "12-81-071")
    lgfl = lot(south, "9x19mm", "GFL 18", "GFL-21-2512")
    obs = reg.wam("observation", "add", "--from", reg.write("obs.json", OBSERVATION))["id"]
    rec = reg.wam("recovery", "add", "--from", reg.write("rec.json", {
        "type": "surrendered", "date": "2024-02-01", "officer": "Sgt. Lamy", "context": "cache", "site_id": north,
        "ammunition": [
            {"calibre": "7.62x39mm", "headstamp": {"text": "188 76", "factory": "188", "year": 1976},
             "lot": "44-76-188", "quantity": 900},
            {"calibre": "7,62×39", "headstamp": {"text": "188 77"}, "quantity": 100}]}))["id"]
    lrec = reg.wam("recovery", "stock-ammunition", rec, "--line", "0", "--rounds", "600",
                   "--site", north)["lot"]["id"]
    viewer, _ = reg.token("viewer", "viewer")
    confined, _ = reg.token("south", "viewer", sites=[south])
    srv = Server(reg)
    events = reg.wam("summary")["totals"]["events"]

    def search(token=viewer, **params):
        return srv.get("/api/v1/search/ammunition" + q(**params), token=token)

    r = search(headstamp="7l 8l")
    tap.eq(r.status, 200, "a misread headstamp is searched", r)
    res = r.json or {}
    tap.eq(res.get("total"), 2, "it finds the observation's line and the lot", res)
    found = {(x["source"], x["id"], x["line"]) for x in res.get("results", [])}
    tap.eq(found, {("observation", obs, 0), ("lot", l71, 0)}, "exactly those two")
    for x in res.get("results", []):
        if x["source"] == "lot":
            tap.eq(x["site_id"], north, "the lot is at its depot")
            tap.eq(x["country"], "HT", "in the registry's country")
        else:
            tap.eq([x["date"], x["country"], x["site_id"]], ["2026-03-02", "CF", None],
                   "the observation's date and country, no site")
            tap.eq(x["ammunition"]["headstamp"]["text"], "71 81", "the line as recorded")
        tap.eq(x["reason"], "misread", "each a misread")
        tap.eq(x["matched"]["headstamp"]["key"], "7181", "matched on the headstamp key")
    tap.eq(res.get("query", {}).get("headstamp_key"), "7L8L", "the query's key")

    r = search(headstamp="5З9 8З")
    tap.eq([(x["id"], x["line"], x["reason"]) for x in r.json["results"]], [(obs, 1, "look-alike")],
           "a Cyrillic З for 3 finds the second item")
    r = search(headstamp="30 84")
    tap.eq([(x["id"], x["line"]) for x in r.json["results"]], [(obs, 2)], "Latin digits find Arabic-Indic ones")
    r = search(lot="12-8I-O71")
    tap.eq(r.json["total"], 2, "a lot with I for 1 and O for 0 finds both")
    r = search(lot="GFL-21*")
    tap.eq([(x["id"], x["reason"]) for x in r.json["results"]], [(lgfl, "wildcard")], "a lost tail")
    r = search(headstamp="5?9 83", calibre="7.62x39")
    tap.eq(r.json["total"], 1, "a calibre spelt otherwise keeps the 7,62×39 line")
    r = search(headstamp="71 81", calibre="9x19")
    tap.eq(r.json["total"], 0, "another calibre keeps none")
    r = search(headstamp="71 81", limit=1)
    tap.eq([len(r.json["results"]), r.json["total"]], [1, 2], "limit keeps the best")
    tap.eq(r.json["results"][0]["score"], 100.0, "an exact read scores 100")

    r = search(headstamp="71 87")
    tap.eq((r.json["total"], sorted({x["reason"] for x in r.json["results"]})), (2, ["edit"]),
           "one wrong year digit in a 4-character headstamp finds both, as an edit", r)
    tap.eq(r.json["results"][0]["score"], 40.0, "ranked below a misread")
    tap.eq(search(headstamp="72 87").json["total"], 0, "two wrong digits find nothing")
    r = search(headstamp="188", calibre="7.62x39")
    got = {x["source"]: x for x in r.json["results"]}
    tap.eq(sorted((x["source"], x["id"], x["line"]) for x in r.json["results"]),
           [("lot", lrec, 0), ("recovery", rec, 0)], "the factory code finds the line and the lot made from it", r)
    tap.eq(got.get("lot", {}).get("origin"), {"recovery_id": rec, "line": 0}, "the lot carries its origin")
    tap.eq(got.get("lot", {}).get("ammunition", {}).get("headstamp", {}).get("factory"), "188",
           "and the factory code")
    tap.eq("origin" in got.get("recovery", {}), False, "the recovery's line has no origin")

    # confined to the South depot: its lot, not the North lot, no observation
    r = search(token=confined, headstamp="71 81")
    tap.eq((r.status, r.json and r.json["total"]), (200, 0), "a South user sees no North lot, no observation", r)
    r = search(token=confined, headstamp="GFL 18")
    tap.eq([x["id"] for x in r.json["results"]], [lgfl], "but its own depot's lot")

    # bad input: 400 naming the field
    for params, field, why in [
        ({}, "headstamp", "nothing to search for"),
        ({"calibre": "7.62x39"}, "headstamp", "a calibre alone"),
        ({"headstamp": "--"}, "headstamp", "a headstamp of no letters or digits"),
        ({"lot": "*"}, "lot", "a lot of a wildcard only"),
        ({"headstamp": "71", "calibre": "..."}, "calibre", "a calibre of no letters or digits"),
        ({"headstamp": "71", "limit": "0"}, "limit", "a limit of 0"),
        ({"headstamp": "71", "limit": "many"}, "limit", "a limit that is no number"),
    ]:
        r = search(**params)
        tap.eq((r.status, r.error().get("field")), (400, field), f"{why}: 400 naming {field}", r)
        tap.eq(error_shape(r), None, f"{why}: the catalogued error shape")
    r = srv.get("/api/v1/search/ammunition" + q(headstamp="71", colour="red"), token=viewer)
    tap.eq(r.status, 400, "an unknown parameter is refused", r)
    r = srv.get("/api/v1/search/ammunition" + q(headstamp="71"))
    tap.eq(r.status, 401, "no token, no search")
    tap.eq(reg.wam("summary")["totals"]["events"], events, "searches wrote nothing")

    # the SDG report shows weapons by manufacture and the IAFQ-ready counts
    r = srv.get("/api/v1/reports/sdg-16-4-2" + q(year=2026), token=viewer)
    tap.eq(r.status, 200, "the SDG report", r)
    rep = r.json or {}
    tap.eq(sorted(rep.get("by_manufacture", {})),
           ["assembled", "converted", "craft", "factory", "printed", "reactivated", "unknown"],
           "by_manufacture lists every manufacture")
    tap.eq(rep.get("ammunition"), {"rounds": 0, "lines": 0, "by_context": {}, "by_calibre": {}},
           "ammunition: no recovery holds any")
    tap.eq(rep.get("parts"), {"recovered": 0, "by_context": {}, "by_type": {}}, "parts: none recovered")
    r = srv.get("/api/v1/reports/sdg-16-4-2" + q(year=2026, format="csv"), token=viewer)
    text = r.body.decode()
    tap.ok("\nammunition.rounds,0\n" in text and "\nby_manufacture.printed.recovered,0\n" in text,
           "the CSV has the rows", text[-400:])
    for figure in ["ammunition.rounds", "ammunition.by_calibre.7.62x39", "parts.by_type.barrel",
                   "by_manufacture.printed"]:
        r = srv.get("/api/v1/reports/sdg-16-4-2/records" + q(year=2026, figure=figure), token=viewer)
        tap.eq((r.status, r.json), (200, []), f"the records of {figure}: none", r)
    r = srv.get("/api/v1/reports/sdg-16-4-2" + q(year=2024), token=viewer)
    tap.eq((r.json or {}).get("ammunition", {}).get("by_calibre"), {"7.62x39mm": 1000},
           "one calibre spelt two ways, named as most lines (then most rounds) have it", r)
    r = srv.get("/api/v1/reports/sdg-16-4-2/records" + q(year=2026, figure="by_manufacture.laser"), token=viewer)
    tap.eq((r.status, r.error().get("field")), (422, "figure"), "an unknown manufacture is refused naming figure", r)


if __name__ == "__main__":
    main(body)
