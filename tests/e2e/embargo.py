#!/usr/bin/env python3
"""e2e-embargo: arms embargoes, the sanctions list and screening through the
`wam` CLI.

The regimes reference file wam ships is imported (the same file again is
refused, nothing written); what applied on past dates stays answerable —
Liberia's embargo in 2000 but not today, the Central African Republic's
territorial embargo in 2020 and its non-state-actor one today, which spares
the government. The fictitious Consolidated List is imported (what it
added is shown; the same file again is refused); a truncated copy and a
malformed one are refused whole naming the line and the element, with the
event count unchanged. A listed name is found in Latin script (in another
transliteration), in Arabic and in Cyrillic, an unlisted one is not, and a
batch file streams one JSON line per party. A listed name on licences
raises alerts, a viewer may not decide them,
one is cleared with a reason (not without one) and one confirmed; a newer
list that adds a name raises an alert on a broker already registered, and
the name it removes no longer blocks a new record. A shipment passing
through Libya is refused, ships with a standing exemption that fits, and is
refused once the exemption has expired; a shipment through the Central
African Republic under a post-delivery exemption makes a notice due, which
prints and is marked sent. The exemption's notification prints as HTML.
Every group named without its verb lists its verbs. The ledger verifies.
"""
import datetime
import json
import os
import re
import sqlite3
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import Registry, cli_error, main  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("WAM_DATA_DIR") or os.path.join(HERE, "..", "..", "data")
LIST = os.path.join(DATA, "sanctions", "fictitious-consolidated.xml")
LIST_V2 = os.path.join(HERE, "..", "data", "fictitious-consolidated-v2.xml")
TODAY = datetime.date.today()


def day(offset):
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


PW_A = "first licensing password"
PW_B = "second licensing password"
PW_V = "viewer long password"

LICENCE = {
    "kind": "export", "number": "HT-EXP-EMB-1", "authority": "Ministère du Commerce", "officer": "A. Licensing",
    "valid_from": day(-60), "valid_until": day(300),
    "parties": [{"role": "exporter", "name": "Arsenal National", "country": "HT"},
                {"role": "end_user", "name": "Police nationale du Sénégal", "country": "SN"}],
    "lines": [{"goods": "weapons", "category": "SA1", "quantity": 10}]}
ASSESSMENT = {
    "prohibitions": {k: {"finding": "clear"} for k in ("embargo", "international_obligations", "atrocity_crimes")},
    "risks": {k: {"finding": "none"} for k in ("peace_security", "ihl", "human_rights", "terrorism", "organised_crime",
                                               "gender_based_violence", "diversion")},
    "decision": "approve", "reasons": "a state police force", "officer": "A. Licensing"}
SERIALS = [f"EMB-{n:03d}" for n in range(1, 6)]


def euc(licence_id):
    return {"licence_id": licence_id, "number": "SN-EUC-EMB-1", "issued": day(-50), "expires": day(300),
            "authority": {"name": "Ministère de l'Intérieur", "signatory": "M. Diop", "position": "Directeur",
                          "stamp": True, "authentication": "note verbale"},
            "exporter": {"name": "Arsenal National", "address": "Delmas", "country": "HT"},
            "end_user": {"name": "Police nationale du Sénégal", "position": "Chef", "address": "Dakar",
                         "country": "SN", "signed": True},
            "goods": [{"category": "SA1", "description": "pistols", "quantity": 10}],
            "contract": {"reference": "CT-EMB", "date": day(-55)}, "destination": "SN",
            "end_use": "police", "sole_use_assurance": True, "no_reexport_undertaking": True}


def exemption(procedure, end_user_country, valid_until=None, serials=()):
    x = {"procedure": procedure, "notifying_state": "HT", "supplier": "Arsenal National",
         "manufacturer": "Arsenal National",
         "end_user": {"name": "Police nationale du Sénégal", "country": end_user_country, "address": "Dakar"},
         "items": [{"description": "9 mm pistols", "category": "SA1", "quantity": 2, "serials": list(serials)}],
         "supporting_note": "transit of police pistols", "delivery_from": day(-30), "delivery_until": day(30),
         "route": ["HT", end_user_country]}
    if valid_until:
        x["valid_until"] = valid_until
    return x


def test(tap):
    reg = Registry()
    reg.run("init", "--country", "HT")
    reg.user("abena", "licensing", PW_A)
    reg.user("kofi", "licensing", PW_B)
    reg.user("vera", "viewer", PW_V)

    def events():
        with sqlite3.connect(reg.db) as c:
            return c.execute("SELECT count(*) FROM events").fetchone()[0]

    human, write, err = reg.human, reg.write, cli_error

    def as_user(user, pw, *args):
        return reg.run("--as", user, "--password-stdin", *args, stdin=pw + "\n", check=False)

    # ---- regimes ----
    n = events()
    rc, out, e = reg.run("embargo", "import", check=False)
    tap.eq(rc, 0, "wam embargo import loads the shipped regimes file", e)
    added = set((out or {}).get("added", []))
    tap.ok({"car", "libya", "liberia"} <= added, "the file adds the CAR, Libya and Liberia regimes", out)
    tap.eq(events(), n + 1, "one event holds the whole file")
    n = events()
    rc, _, e = reg.run("embargo", "import", check=False)
    tap.eq(rc, 4, "the same file again is refused (conflict)", e)
    tap.eq(err(e).get("field"), "version", "... naming version", e)
    tap.eq(events(), n, "... and nothing is written")

    regimes = {r["id"]: r for r in reg.wam("embargo", "list")}
    tap.ok({"car", "libya", "liberia", "sierra-leone"} <= set(regimes), "wam embargo list lists the regimes",
           sorted(regimes))
    tap.eq(regimes.get("liberia", {}).get("in_force"), False, "Liberia's embargo is not in force today")
    past = {r["id"]: r for r in reg.wam("embargo", "list", "--on", "2000-01-01")}
    tap.eq(past.get("liberia", {}).get("in_force"), True, "... but was on 2000-01-01")
    car = reg.wam("embargo", "show", "car", "--on", "2020-06-01")
    tap.eq((car.get("applies") or {}).get("target"), "territory", "CAR in 2020: a territorial embargo", car)
    car = reg.wam("embargo", "show", "car")
    tap.eq((car.get("applies") or {}).get("target"), "non_state_actors", "CAR today: non-state actors only")
    tap.eq(car.get("seizure_notice_days"), 30, "CAR: seizures notified within 30 days (res. 2745)")
    tap.ok("post_delivery_notice" in [p["procedure"] for p in car.get("procedures", [])],
           "CAR has a post-delivery notice procedure")
    rc, text, _ = human("embargo", "show", "car")
    tap.ok(rc == 0 and "resolutions" in text and "S/RES/" in text, "wam embargo show prints the resolutions", text)

    chk = reg.wam("embargo", "check", "LR", "--on", "2000-01-01")
    tap.ok(not chk["clear"] and "liberia" in [r["id"] for r in chk["regimes"]],
           "wam embargo check LR --on 2000-01-01: the Liberia embargo applies", chk)
    tap.eq(reg.wam("embargo", "check", "LR")["clear"], True, "... and nothing applies to LR today")
    rc, text, _ = human("embargo", "check", "CF", "--on", "2020-06-01")
    tap.ok(rc == 0 and "CF on 2020-06-01" in text and "car" in text, "the check reads in words", text)
    gov = reg.wam("embargo", "check", "CF", "--on", "2025-08-01", "--party", "Gouvernement centrafricain",
                  "--government")
    tap.eq(gov.get("screening", {}).get("clear"), True, "CAR 2025: the government is spared (non-state actors)", gov)
    rebel = reg.wam("embargo", "check", "CF", "--on", "2025-08-01", "--party", "Front armé du Nord")
    found = rebel.get("screening", {}).get("findings", [])
    tap.ok(any(f["screen"] == "embargo" and f.get("regime") == "car" for f in found),
           "... a non-state armed group is not", rebel)
    gov2020 = reg.wam("embargo", "check", "CF", "--on", "2020-06-01", "--party", "Gouvernement centrafricain",
                      "--government")
    tap.eq(gov2020.get("screening", {}).get("clear"), False, "CAR 2020: the territorial embargo spared no one")
    rc, _, e = human("embargo", "check", "CF", "--dob", "1970")
    tap.eq(rc, 2, "--dob without --party is a usage error", e)

    # ---- the sanctions list ----
    n = events()
    rc, out, e = reg.run("sanctions", "import", LIST, check=False)
    tap.eq(rc, 0, "wam sanctions import takes the fictitious Consolidated List", e)
    tap.eq(sorted(a["reference"] for a in (out or {}).get("added", [])),
           ["CDe.905", "CDi.902", "LYi.901", "QDe.904", "QDi.903"], "... and says what it added")
    tap.eq(events(), n + 1, "one event for the import")
    n = events()
    rc, _, e = reg.run("sanctions", "import", LIST, check=False)
    tap.eq(rc, 4, "the same list again is refused", e)
    tap.eq(err(e).get("field"), "generated", "... naming its generation date", e)
    with open(LIST, encoding="utf-8") as f:
        xml = f.read()
    truncated = write("truncated.xml", xml[: len(xml) // 2])
    rc, _, e = reg.run("sanctions", "import", truncated, check=False)
    msg = err(e).get("message", "")
    tap.eq(rc, 2, "a truncated list is refused", e)
    tap.ok("line" in msg and err(e).get("line") and re.search(r"tag [A-Z_]+", msg),
           "... naming the line and the element it stopped in", e)
    bad = write("malformed.xml", xml.replace("</FIRST_NAME>", "</FIRSTNAME>", 1))
    rc, _, e = reg.run("sanctions", "import", bad, check=False)
    msg = err(e).get("message", "")
    tap.ok(rc == 2 and "FIRST_NAME" in msg and err(e).get("line"), "a malformed list is refused naming line and element",
           e)
    tap.eq(events(), n, "the refused lists wrote nothing")
    tap.eq(len(reg.wam("sanctions", "imports")), 1, "one import is listed")
    rc, text, _ = human("sanctions", "list")
    tap.ok(rc == 0 and "FERZENKO" in text and "Ферзенко" in text, "wam sanctions list shows names in both scripts",
           text)
    entries = {x["reference"]: x for x in reg.wam("sanctions", "list")}
    ferz = reg.wam("sanctions", "show", entries["CDi.902"]["id"])
    tap.ok(any(nm["script"] == "cyrillic" for nm in ferz.get("names", [])), "an entry shows its names by script",
           ferz)

    # ---- screening across scripts ----
    def best(*args):
        out = reg.wam("sanctions", "screen", *args)
        c = out.get("candidates", [])
        return c[0]["entry"]["reference"] if c else None, out

    ref, out = best("Mustafa Yousef al-Qumrawi")
    tap.eq(ref, "LYi.901", "a listed name in Latin script, in another transliteration, is found", out)
    ref, out = best("مصطفى يوسف القمراوي")
    tap.eq(ref, "LYi.901", "... in Arabic script", out)
    ref, out = best("Игорь Ферзенко")
    tap.eq(ref, "CDi.902", "a listed name in Cyrillic script is found", out)
    ref, out = best("Jean-Baptiste Lafleur")
    tap.eq(ref, None, "an unlisted name is not", out)
    out = reg.wam("sanctions", "screen", "Igor Ferzenko", "--explain")
    tap.ok(out["candidates"] and out["candidates"][0].get("explanation"), "--explain says how the parts matched")
    rc, text, _ = human("sanctions", "screen", "Игорь Ферзенко", "--explain")
    tap.ok(rc == 0 and "CDi.902" in text and "Игорь" in text, "the screening reads in words", text)
    rc, _, e = reg.run("sanctions", "screen", "X", "--threshold", "2", check=False)
    tap.eq((rc, err(e).get("field")), (2, "threshold"), "a threshold above 1 is refused naming it", e)

    batch = write("parties.tsv", "Игорь Ферзенко\t1968\t\t\nJean-Baptiste Lafleur\t1980\tHT\t\n"
                                 "مصطفى يوسف القمراوي\t\t\t\n")
    rc, text, e = human("sanctions", "screen", "--batch", batch)
    lines = [json.loads(x) for x in text.splitlines() if x.strip()]
    tap.ok(rc == 0 and len(lines) == 3, "--batch writes one JSON line per party", text, e)
    refs = [[c["entry"]["reference"] for c in x["candidates"]][:1] for x in lines]
    tap.eq(refs, [["CDi.902"], [], ["LYi.901"]], "... each with its candidates")
    with open(batch, encoding="utf-8") as f:
        rc, text2, _ = human("sanctions", "screen", "--batch", "-", stdin=f.read())
    tap.eq(text2, text, "--batch - reads standard input")
    bad_batch = write("bad.tsv", "a\tb\tc\td\te\n")
    rc, text, e = human("sanctions", "screen", "--batch", bad_batch)
    tap.ok(rc == 2 and not text and "line 1" in e, "a line with five fields is refused naming it, nothing written", e)

    # ---- alerts ----
    n = events()
    rc, _, e = as_user("abena", PW_A, "licence", "add", "--from", write("lic-s.json", dict(
        LICENCE, number="HT-EXP-EMB-S", parties=[
            {"role": "exporter", "name": "Arsenal National", "country": "HT"},
            {"role": "consignee", "name": "Sahel Fictive Trading Company", "country": "ML"},
            {"role": "end_user", "name": "Police nationale du Sénégal", "country": "SN"}])))
    tap.eq(rc, 0, "a licence naming a listed company as consignee is drafted", e)
    rc, lic_x, e = as_user("abena", PW_A, "licence", "add", "--from", write("lic-x.json", dict(
        LICENCE, number="HT-EXP-EMB-X", parties=[{"role": "exporter", "name": "Arsenal National", "country": "HT"},
                                                {"role": "end_user", "name": "Игорь Ферзенко", "country": "SN"}])))
    tap.eq(rc, 0, "a licence with a listed end user is drafted", e)
    open_alerts = reg.wam("sanctions", "alerts", "--state", "open")
    by_ref = {a["entry"]["reference"]: a for a in open_alerts}
    tap.ok({"QDe.904", "CDi.902"} <= set(by_ref), "each raised an open alert", open_alerts)
    tap.ok(events() > n + 2, "the alerts are events of the same commands")
    lic_party = (lic_x or {}).get("parties", [{}, {}])[1]
    tap.ok(any(f.get("alert") for f in lic_party.get("screening", {}).get("findings", [])),
           "the licence's party names its alert", lic_party)
    a_sahel, a_lic = by_ref.get("QDe.904", {}).get("id"), by_ref.get("CDi.902", {}).get("id")
    n = events()
    rc, _, e = as_user("vera", PW_V, "sanctions", "clear", a_sahel, "--reason", "not them")
    tap.eq(rc, 7, "a viewer may not clear an alert", e)
    rc, _, e = reg.run("sanctions", "clear", a_sahel, check=False)
    tap.eq((rc, err(e).get("field")), (2, "reason"), "clearing needs a reason", e)
    tap.eq(events(), n, "... nothing written")
    rc, out, e = as_user("kofi", PW_B, "sanctions", "clear", a_sahel, "--reason",
                         "a Malian freight company registered in 1998, not the listed entity")
    tap.eq((rc, (out or {}).get("state")), (0, "cleared"), "a licensing officer clears one with a reason", e)
    rc, _, e = reg.run("sanctions", "clear", a_sahel, "--reason", "again", check=False)
    tap.eq(rc, 4, "a cleared alert is not decided again", e)
    rc, out, e = as_user("kofi", PW_B, "sanctions", "confirm", a_lic, "--reason", "same person, same date of birth")
    tap.eq((rc, (out or {}).get("state")), (0, "confirmed"), "another is confirmed", e)
    rc, text, _ = human("sanctions", "alert", a_lic)
    tap.ok(rc == 0 and "confirmed" in text and "same person" in text, "wam sanctions alert shows the decision", text)
    tap.eq(len(reg.wam("sanctions", "alerts", "--state", "open")), 0, "no alert is open any more")

    # a holder is screened as it is recorded, and `holder add` shows it, in words and in JSON
    rc, text, e = human("holder", "add", "Ihor Ferzenko", "--type", "civilian")
    tap.ok(rc == 0 and "screening: NOT clear" in text and "CDi.902" in text and "alert" in text,
           "wam holder add shows the alert its screening raised", text, e)
    first = next((a for a in reg.wam("sanctions", "alerts", "--state", "open")
                  if a["entry"]["reference"] == "CDi.902"), None)
    tap.ok(first and first["id"] in text, "... naming the alert", text)
    rc, _, e = reg.run("sanctions", "clear", (first or {}).get("id", "none"), "--reason", "born 1990 in Jacmel",
                       check=False)
    tap.eq(rc, 0, "the holder's alert is cleared", e)
    # the same name alone on another record is decided again, the earlier clearance recalled
    rc, h2, e = reg.run("holder", "add", "Ihor Ferzenko", "--type", "civilian", check=False)
    found = ((h2 or {}).get("screening") or {}).get("findings") or []
    second = (found[0].get("alert") or {}) if found else {}
    tap.ok(rc == 0 and second.get("state") == "open" and second.get("id") != (first or {}).get("id"),
           "a second holder of that name raises a new alert (--json shows the screening)", h2, e)
    rc, text, e = human("sanctions", "alert", second.get("id", "none"))
    tap.ok(rc == 0 and "cleared before" in text and (first or {}).get("id", "?") in text and "Jacmel" in text,
           "wam sanctions alert recalls the alert cleared before and its reason", text, e)
    rc, _, e = reg.run("sanctions", "clear", second.get("id", "none"), "--reason", "born 1985 in Hinche",
                       check=False)
    tap.eq(rc, 0, "... which is decided again", e)

    # a newer list adds a name: the broker already registered under it gets an alert
    rc, _, e = as_user("abena", PW_A, "broker", "add", "--from", write("broker2.json", {
        "name": "Marcel Duboisier", "country": "CF", "registration": "CF-BRK-7", "activities": ["brokering"]}))
    tap.eq(rc, 0, "a broker not on the list is registered", e)
    tap.eq(len(reg.wam("sanctions", "alerts", "--state", "open")), 0, "... with no alert")
    rc, out, e = reg.run("sanctions", "import", LIST_V2, check=False)
    tap.eq(rc, 0, "a newer list is imported", e)
    tap.eq([a["reference"] for a in (out or {}).get("added", [])], ["CFi.906"], "... adding one name")
    tap.eq([a["reference"] for a in (out or {}).get("removed", [])], ["QDi.903"], "... removing one")
    tap.eq(len((out or {}).get("alerts", [])), 1, "... and raising an alert on the broker already registered", out)
    rc, text, _ = human("sanctions", "imports")
    tap.ok(rc == 0 and "2026-03-02" in text, "wam sanctions imports lists both", text)
    ref, out = best("Abdelrahman Ould Tirzawi")
    tap.eq(ref, None, "the removed name no longer matches", out)
    tap.ok(reg.wam("sanctions", "list", "--removed"), "the removed entry is kept for history")

    # ---- exemptions, shipments and notices ----
    _, lic, _ = as_user("abena", PW_A, "licence", "add", "--from", write("lic.json", LICENCE))
    as_user("abena", PW_A, "licence", "assess", lic["id"], "--from", write("assess.json", ASSESSMENT))
    rc, _, e = as_user("kofi", PW_B, "licence", "issue", lic["id"])
    tap.eq(rc, 0, "a licence to Senegal is issued", e)
    _, ec, _ = as_user("abena", PW_A, "euc", "add", "--from", write("euc.json", euc(lic["id"])))
    rc, _, e = as_user("abena", PW_A, "euc", "verify", ec["id"], "--channel", "note verbale", "--result", "authentic")
    tap.eq(rc, 0, "its certificate is verified", e)
    csv = "category,make,model,calibre,serial,country\n" + "".join(
        f"SA1,Glock,17,9x19mm,{s},AT\n" for s in SERIALS)
    reg.wam("import", write("items.csv", csv))
    items = {s: reg.wam("item", "show", "--serial", s)[0]["id"] for s in SERIALS}

    def ship(serial, date, *extra):
        return reg.run("shipment", "add", "--licence", lic["id"], "--euc", ec["id"], "--items", items[serial],
                       "--date", date, *extra, check=False)

    n = events()
    rc, _, e = ship(SERIALS[0], day(-10), "--route", "LY")
    tap.eq(rc, 4, "a shipment through Libya is refused (arms embargo)", e)
    tap.ok("libya" in e.lower() or "LY" in e, "... naming the embargo", e)
    tap.eq(events(), n, "... nothing written")
    rc, _, e = as_user("vera", PW_V, "exemption", "add", "--regime", "libya", "--from",
                       write("x-ly.json", exemption("standing", "SN", valid_until=day(-5))))
    tap.eq(rc, 7, "a viewer may not record an exemption", e)
    rc, x_ly, e = as_user("abena", PW_A, "exemption", "add", "--regime", "libya", "--from",
                          write("x-ly.json", exemption("standing", "SN", valid_until=day(-5),
                                                       serials=SERIALS[:2])))
    tap.eq(rc, 0, "a standing exemption under the Libya regime, valid until five days ago", e)
    x_id = (x_ly or {}).get("id")
    tap.eq(reg.wam("exemption", "show", x_id, "--on", day(-10)).get("fits"), True, "it fits ten days ago")
    tap.eq(reg.wam("exemption", "show", x_id).get("fits"), False, "... not today")
    rc, out, e = ship(SERIALS[0], day(-10), "--route", "LY", "--exemption", x_id)
    tap.eq(rc, 0, "the shipment through Libya ten days ago passes with the exemption", e)
    n = events()
    rc, _, e = ship(SERIALS[1], day(0), "--route", "LY", "--exemption", x_id)
    tap.eq(rc, 4, "today, after the exemption expired, it is refused again", e)
    tap.eq(events(), n, "... nothing written")
    rc, html, _ = human("exemption", "notice", x_id)
    tap.ok(rc == 0 and "<html" in html.lower() and "Arsenal National" in html and SERIALS[0] in html,
           "wam exemption notice prints the notification with its supplier and serials", html[:300])
    tap.ok(x_id in [x["id"] for x in reg.wam("exemption", "list", "--regime", "libya")], "the exemption is listed")

    rc, x_car, e = reg.run("exemption", "add", "--regime", "car", "--from",
                           write("x-cf.json", exemption("post_delivery_notice", "SN")), check=False)
    tap.eq(rc, 0, "a post-delivery exemption under the CAR regime", e)
    rc, _, e = ship(SERIALS[2], day(-2), "--route", "CF")
    tap.eq(rc, 4, "a shipment through the Central African Republic is refused without it", e)
    rc, _, e = ship(SERIALS[2], day(-2), "--route", "CF", "--exemption", (x_car or {}).get("id", "none"))
    tap.eq(rc, 0, "... and ships with it", e)
    due = reg.wam("notice", "list", "--state", "due")
    post = [x for x in due if x["kind"] == "post_delivery"]
    tap.eq(len(post), 1, "a post-delivery notice is due", due)
    if post:
        nid = post[0]["id"]
        tap.eq(post[0]["due"], (datetime.date.fromisoformat(day(-2)) + datetime.timedelta(days=30)).isoformat(),
               "... 30 days after the shipment")
        rc, html, _ = human("notice", "document", nid)
        tap.ok(rc == 0 and "<html" in html.lower(), "wam notice document prints it", html[:200])
        rc, _, e = reg.run("notice", "sent", nid, "--date", day(0), check=False)
        tap.eq((rc, err(e).get("field")), (2, "reference"), "marking it sent needs its reference", e)
        rc, out, e = reg.run("notice", "sent", nid, "--date", day(0), "--reference", "NV/2026/9", check=False)
        tap.eq((rc, (out or {}).get("state")), (0, "sent"), "wam notice sent marks it sent", e)
        tap.eq(reg.wam("notice", "show", nid).get("reference"), "NV/2026/9", "wam notice show has its reference")

    # national embargoes stay where they were
    rc, emb, e = reg.run("embargo", "record", "--country", "GN", "--reference", "Decree 2026/1", "--since", day(-1),
                         check=False)
    tap.eq(rc, 0, "wam embargo record records a national embargo", e)
    tap.ok(any(r.get("source") == "national" and "GN" in r.get("territories", [])
               for r in reg.wam("embargo", "list")), "wam embargo list lists it among the regimes")
    tap.eq(reg.wam("embargo", "check", "GN")["clear"], False, "the check finds it")
    rc, _, e = reg.run("embargo", "lift", (emb or {}).get("id", "none"), "--date", day(0), "--reference", "Decree 2",
                       check=False)
    tap.eq(rc, 0, "wam embargo lift lifts it", e)

    # ---- a group without its verb lists its verbs ----
    for group, verb in (("embargo", "embargo check"), ("sanctions", "sanctions screen"),
                        ("exemption", "exemption notice"), ("notice", "notice sent")):
        rc, _, e = human(group)
        tap.ok(rc == 2 and verb in e, f"wam {group} lists its verbs", e)

    rc, out, e = reg.run("verify", check=False)
    tap.eq(rc, 0, "wam verify: the ledger is clean", e, out)


if __name__ == "__main__":
    sys.exit(main(test))
