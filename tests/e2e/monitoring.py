#!/usr/bin/env python3
"""e2e-monitoring: embargo monitoring in the field through the `wam` CLI.

A mission's embargo cell records an armoury inspection in Ouham with its
photos given by file (stored by hash with the observation, in one
transaction: a missing photo file or a broken grade records nothing), and
a cache recovery in Vakaga where the same rifle is seen again (the link is
shown on both). The source's identity is shown to the monitor who recorded
it and to a source handler (each read logged), never to a second monitor;
a viewer and a tracer may not run the commands. A finding on one source
does not corroborate; with the second, independent observation it does; it
is reported to the Panel and frozen. An item seen becomes a trace request
in one step. Profiles of the armed group and of the country; the committee
report as JSON and as a printable page; an evidence pack with the sources
redacted carries no identity, verifies, and names the file once a byte of
it is changed. Every group named without its verb lists its verbs. Every
JSON example of docs/examples/monitoring/ is recorded exactly as shipped, its
photos by file from beside it, so that the examples cannot drift.
"""
import base64
import datetime
import glob
import hashlib
import json
import os
import sqlite3
import stat
import sys
import tarfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import Registry, cli_error, main  # noqa: E402

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "examples", "monitoring")
TODAY = datetime.date.today()
YEAR = TODAY.year


def day(offset):
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


# a 1x1 PNG: a photo the store takes
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
PW = {"amina": "first monitor password", "jonas": "second monitor password", "sara": "source handler password",
      "vera": "viewer long password", "tariq": "tracer long password"}
IDENTITY = "Capitaine Kolingba, FACA liaison officer"
IDENTITY_2 = "Trader at the Birao cattle market"


def inspection():
    return {"kind": "armoury_inspection", "observed_at": day(-20),
            "place": {"name": "Bossangoa depot", "admin_area": "Ouham", "country": "CF", "lat": 6.49, "lon": 17.45},
            "unit": "MINUSCA embargo cell", "officer": "A. Diallo", "reference": "MON-OBS-1",
            "actor": {"kind": "armed_group", "name": "Front populaire du Nord", "country": "CF"},
            "regime": "car",
            "sources": [{"type": "official", "independent": True, "reliability": "B", "credibility": 2,
                         "ref": "SRC-01", "identity": IDENTITY, "description": "present at the inspection"}],
            "items": [{"kind": "weapon", "make": "Norinco", "model": "Type 56", "category": "SA4",
                       "calibre": "7.62x39mm", "serial": "56-4471203", "country": "CN", "year": 2009,
                       "markings": [{"component": "frame_receiver", "kind": "serial", "text": "56-4471203"},
                                    {"component": "frame_receiver", "kind": "factory_code", "text": "٦٦"}],
                       "photos": [{"file": "photos/rifle.png"}]},
                      {"kind": "ammunition", "calibre": "7.62x39mm",
                       "headstamp": {"text": "71 09", "factory": "71", "year": 2009}, "lot": "LOT-0907",
                       "crate_marks": "7.62x39 ПС", "quantity": 1400, "photos": []}],
            "documents": [{"kind": "waybill", "number": "WB-2209", "issuer": "Transports du Nord",
                           "date": day(-40), "photos": [{"file": "photos/waybill.png"}]}],
            "photos": [{"file": "photos/rack.png", "caption": "the rack as found"}]}


def recovery():
    return {"kind": "cache_recovery", "observed_at": day(-5) + "T14:10:00+01:00",
            "place": {"name": "Ouanda Djallé road", "admin_area": "Vakaga", "country": "CF"},
            "unit": "MINUSCA embargo cell", "officer": "B. Ndiaye", "reference": "MON-OBS-2",
            "actor": {"kind": "armed_group", "name": "Front populaire du Nord", "country": "CF"},
            "regime": "car",
            "sources": [{"type": "witness", "independent": True, "reliability": "C", "credibility": 2,
                         "ref": "SRC-02", "identity": IDENTITY_2}],
            "items": [{"kind": "weapon", "make": "Norinco", "model": "Type 56", "category": "SA4",
                       "calibre": "7.62x39mm", "serial": "56-4471203", "country": "CN", "markings": [],
                       "photos": []}],
            "documents": [], "photos": []}


def test(tap):
    reg = Registry()
    reg.run("init", "--country", "CF")
    reg.run("embargo", "import")
    for name, role in (("amina", "monitor"), ("jonas", "monitor"), ("sara", "source_handler"), ("vera", "viewer"),
                       ("tariq", "tracer")):
        reg.user(name, role, PW[name])
    photos = reg.path("photos")
    os.makedirs(photos)
    for name, extra in (("rifle.png", b"rifle"), ("waybill.png", b"waybill"), ("rack.png", b"rack")):
        with open(os.path.join(photos, name), "wb") as f:
            f.write(PNG + extra)

    def events(kind=None):
        # closed at once: the test reads the registry's bytes too, and closing
        # any descriptor of a file drops a process's locks on it
        c = sqlite3.connect(reg.db)
        try:
            if kind:
                return c.execute("SELECT count(*) FROM events WHERE type = ?", (kind,)).fetchone()[0]
            return c.execute("SELECT count(*) FROM events").fetchone()[0]
        finally:
            c.close()

    def as_user(user, *args):
        return reg.run("--as", user, "--password-stdin", *args, stdin=PW[user] + "\n", check=False)

    def human(*args, user=None):
        if not user:
            return reg.human(*args)
        return reg.human("--as", user, "--password-stdin", *args, stdin=PW[user] + "\n")

    write, err = reg.write, cli_error

    # ---- recording, with photos by file ----
    n = events()
    missing = inspection()
    missing["photos"][0]["file"] = "photos/nowhere.png"
    rc, _, e = as_user("amina", "observation", "add", "--from", write("missing.json", missing))
    tap.ok(rc != 0 and err(e).get("field") == "photos[0].file", "a photo file that is not there is refused naming "
           "photos[0].file", e)
    bad = inspection()
    bad["sources"][0]["reliability"] = "G"
    rc, _, e = as_user("amina", "observation", "add", "--from", write("bad.json", bad))
    tap.ok(rc == 2 and err(e).get("field", "").startswith("sources[0]"), "a grade outside A-F is refused naming "
           "the source", e)
    tap.eq(events(), n, "... and neither wrote anything")

    rc, obs1, e = as_user("amina", "observation", "add", "--from", write("inspection.json", inspection()))
    tap.eq(rc, 0, "wam observation add records the inspection", e)
    obs1 = obs1 or {}
    rifle = ((obs1.get("items") or [{}])[0].get("photos") or [""])[0]
    tap.ok(isinstance(rifle, str) and len(rifle) == 64, "the item's photo given by file is now its hash", obs1)
    tap.ok(len(rifle) == 64 and os.path.isfile(reg.db + ".photos/" + rifle), "... and the photo is in the store")
    rack = (obs1.get("photos") or [{}])[0]
    tap.ok(len(rack.get("hash", "")) == 64 and rack.get("caption") == "the rack as found" and "file" not in rack,
           "the observation's own photo keeps its caption, with its hash", rack)
    doc = ((obs1.get("documents") or [{}])[0].get("photos") or [""])[0]
    tap.ok(isinstance(doc, str) and len(doc) == 64, "a document's photo given by file is its hash", obs1)
    o1 = obs1.get("id", "")
    tap.eq(obs1.get("sources", [{}])[0].get("identity"), IDENTITY, "the recorder sees the source's identity")

    rc, obs2, e = as_user("jonas", "observation", "add", "--from", write("recovery.json", recovery()))
    tap.eq(rc, 0, "a second monitor records the cache recovery in Vakaga", e)
    o2 = (obs2 or {}).get("id", "")
    tap.ok(any(x.get("observation_id") == o1 and x.get("why") == "serial" for x in (obs2 or {}).get("links", [])),
           "the same serial seen in Ouham is a link", obs2)

    # ---- who sees a source ----
    reads = events("record.read")
    rc, seen, e = as_user("jonas", "observation", "show", o1)
    src = ((seen or {}).get("sources") or [{}])[0]
    tap.ok(rc == 0 and "identity" not in src and src.get("identity_held") is True and src.get("ref") == "SRC-01",
           "a second monitor sees the source's ref and grade, not its identity", seen)
    tap.ok(any(x.get("observation_id") == o2 for x in (seen or {}).get("links", [])),
           "the link is shown on the first observation too", seen)
    tap.eq(events("record.read"), reads, "... and no read of an identity is logged")
    rc, text, e = human("observation", "show", o1, user="jonas")
    tap.ok(rc == 0 and IDENTITY not in text and "held, not shown" in text and "sources" in text,
           "wam observation show says the identity is held, not shown", text + e)
    rc, seen, e = as_user("sara", "observation", "show", o1)
    tap.eq(((seen or {}).get("sources") or [{}])[0].get("identity"), IDENTITY, "a source handler sees it", e)
    tap.eq(events("record.read"), reads + 1, "... and the read is logged")
    rc, seen, e = as_user("amina", "observation", "show", o1)
    tap.eq(((seen or {}).get("sources") or [{}])[0].get("identity"), IDENTITY, "the recorder sees it again")
    with open(reg.db, "rb") as f:
        tap.ok(IDENTITY.encode() not in f.read(), "the registry file never holds the identity in clear")

    for user, role in (("vera", "viewer"), ("tariq", "tracer")):
        n = events()
        rc, _, e = as_user(user, "observation", "list")
        tap.ok(rc == 7 and "monitor" in err(e).get("message", ""), f"a {role} may not list observations", e)
        rc, _, e = as_user(user, "observation", "add", "--from", reg.path("inspection.json"))
        tap.eq(rc, 7, f"a {role} may not record one", e)
        tap.eq(events(), n, "... and nothing is written")

    listed = reg.wam("observation", "list", "--actor", "front populaire du nord", "--since", day(-30))
    tap.eq([x["id"] for x in listed], [o2, o1], "the actor's observations, newest observed first (any case)")
    tap.eq([x["id"] for x in reg.wam("observation", "list", "--kind", "cache_recovery")], [o2], "--kind filters")
    tap.eq(len(reg.wam("observation", "list", "--limit", "1")), 1, "--limit 1: one")
    rc, _, e = reg.run("observation", "list", "--limit", "many", check=False)
    tap.ok(rc == 2 and err(e).get("field") == "limit", "--limit that is no number is refused naming limit", e)
    rc, text, _ = human("observation", "list")
    tap.ok(rc == 0 and "Vakaga" in text and "Ouham" in text and "OBSERVED" in text, "the list reads as a table",
           text)
    tap.ok(day(-5) + " " in text and day(-20) + " " in text and "T14:10" not in text,
           "OBSERVED is the date alone, for a date and time recorded as for a date", text)

    # ---- an item becomes a trace request ----
    details = write("details.json", {"requesting": {"state": "CF", "agency": "MINUSCA embargo cell",
                                                    "contact": {"name": "A. Diallo"}},
                                     "justification": "seen in an armed group's depot under the CAR embargo",
                                     "intended_use": "report to the Panel of Experts"})
    rc, _, e = as_user("tariq", "observation", "trace", o1, "--item", "0", "--from", details,
                       "--requested-state", "CN")
    tap.eq(rc, 7, "a tracer who does not monitor may not trace an observation's item", e)
    rc, _, e = as_user("amina", "observation", "trace", o1, "--item", "zero", "--requested-state", "CN")
    tap.ok(rc == 2 and err(e).get("field") == "item", "--item that is no number is refused naming item", e)
    rc, _, e = as_user("amina", "observation", "trace", o1, "--item", "0", "--requested-state", "CN",
                       "--requested-name", "Norinco")
    tap.eq(rc, 2, "--requested-state with --requested-name is a usage error", e)
    rc, req, e = as_user("amina", "observation", "trace", o1, "--item", "0", "--from", details,
                         "--requested-state", "CN")
    tap.eq(rc, 0, "wam observation trace drafts a trace request for the rifle in one step", e)
    tid = (req or {}).get("id")
    traces = reg.wam("observation", "show", o1).get("traces", [])
    tap.ok(any(t.get("request_id") == tid and t.get("item") == 0 for t in traces),
           "the request is listed on the observation", traces)

    # ---- findings and the evidence rule ----
    finding = write("finding.json", {"statement": "The Front populaire du Nord holds Type 56 rifles delivered "
                                                  "after the embargo", "regime": "car",
                                     "actor": {"kind": "armed_group", "name": "Front populaire du Nord"},
                                     "period": {"from": day(-30), "to": day(0)}, "country": "CF"})
    rc, f, e = as_user("amina", "finding", "add", "--from", finding)
    tap.eq(rc, 0, "wam finding add drafts a finding", e)
    fid = (f or {}).get("id", "")
    tap.eq((f or {}).get("state"), "draft", "... in state draft")
    rc, f, e = as_user("amina", "finding", "link", fid, o1, "--note", "the depot")
    tap.eq(rc, 0, "the inspection is linked", e)
    rule = reg.wam("finding", "rule", fid)
    tap.eq(rule.get("holds"), False, "one source: the rule does not hold", rule)
    rc, text, _ = human("finding", "rule", fid)
    tap.ok(rc == 0 and "does not hold" in text and rule.get("message", "?") in text,
           "wam finding rule says why, in the library's words", text)
    n = events()
    rc, _, e = as_user("amina", "finding", "corroborate", fid)
    tap.ok(rc == 4 and err(e).get("field") == "evidence", "corroborating on one source is refused naming evidence",
           e)
    tap.eq(events(), n, "... and nothing is written")
    tap.eq(reg.wam("finding", "show", fid).get("state"), "draft", "the finding stays a draft")
    rc, f, e = as_user("jonas", "finding", "link", fid, o2)
    tap.eq(rc, 0, "the cache recovery (a second, independent source) is linked", e)
    tap.eq(reg.wam("finding", "rule", fid).get("holds"), True, "two independent sources: the rule holds")
    rc, f, e = as_user("amina", "finding", "corroborate", fid)
    tap.ok(rc == 0 and (f or {}).get("state") == "corroborated", "the finding is corroborated", e)
    rc, _, e = as_user("amina", "finding", "unlink", fid, o2)
    tap.eq(rc, 4, "a corroborated finding keeps the evidence it rests on", e)
    rc, f, e = as_user("amina", "finding", "report", fid, "--to", "Panel of Experts on the Central African Republic",
                       "--reference", "PoE/CAR/2026/14")
    tap.ok(rc == 0 and (f or {}).get("state") == "reported"
           and ((f or {}).get("reported") or {}).get("to", "").startswith("Panel of Experts"),
           "it is reported to the Panel", e)
    n = events()
    rc, _, e = as_user("amina", "finding", "link", fid, tid or "X")
    tap.eq(rc, 4, "a reported finding is frozen: no more links", e)
    tap.eq(events(), n, "... and nothing is written")
    tap.eq([x["id"] for x in reg.wam("finding", "list", "--state", "reported")], [fid], "finding list --state")
    rc, text, _ = human("finding", "show", fid)
    tap.ok(rc == 0 and "Panel of Experts" in text and "evidence (2)" in text, "wam finding show reads in words",
           text)

    # ---- profiles and the committee report ----
    prof = reg.wam("profile", "actor", "Front populaire du Nord")
    tap.eq(prof.get("observations"), 2, "the armed group's profile counts both observations", prof)
    tap.eq((prof.get("ammunition") or {}).get("rounds"), 1400, "... and the rounds seen")
    country = reg.wam("profile", "country", "CF", "--compare-imports")
    cats = (country.get("weapons") or {}).get("by_category") or []
    tap.ok(any(c.get("key") == "SA4" and c.get("lawful_import") is False for c in cats),
           "in CF, assault rifles were never lawfully imported", cats)
    rc, text, _ = human("profile", "country", "CF", "--compare-imports")
    tap.ok(rc == 0 and "LAWFUL IMPORT" in text and "timeline" in text, "the country profile reads as tables", text)
    rc, text, _ = human("profile", "actor", "Front populaire du Nord")
    tap.ok(rc == 0 and "…" not in text and "OBSERVATIONS" in text
           and "wam --json profile actor 'Front populaire du Nord'" in text
           and "wam observation list --actor 'Front populaire du Nord'" in text,
           "the actor's profile cuts no id: each figure's observations counted, and the commands that list them "
           "(the name quoted)", text)
    rc, text, _ = human("profile", "actor", "Nobody at all")
    tap.ok(rc == 0 and "observations 0, never seen" in text and "first seen ," not in text,
           "an actor never observed: 'never seen', no empty dates", text)
    rep = reg.wam("report", "committee", "--from", f"{YEAR - 1}-01-01", "--to", day(0), "--regime", "car")
    tap.eq([x["id"] for x in rep.get("findings", [])], [fid], "the committee report lists the period's finding")
    rc, said, e = human("report", "committee", "--from", f"{YEAR - 1}-01-01", "--to", day(0), "--html", "--out",
                        reg.path("report.html"))
    tap.ok(said.startswith(reg.path("report.html") + ": the report to the committee") and "HTML" in said,
           "report committee --out says what it wrote", said, e)
    html = open(reg.path("report.html"), encoding="utf-8").read() if os.path.exists(reg.path("report.html")) else ""
    tap.ok(rc == 0 and "<html" in html.lower() and "Front populaire du Nord" in html,
           "--html --out writes the printable page", e)
    tap.eq(stat.S_IMODE(os.stat(reg.path("report.html")).st_mode) if html else None, 0o600, "... owner-only")
    rc, _, e = reg.run("report", "committee", "--from", day(0), check=False)
    tap.eq(rc, 2, "a report without --to is a usage error", e)

    # ---- the evidence pack ----
    pack = reg.path("pack.wep")
    rc, out, e = as_user("amina", "evidence", "pack", fid, "--out", pack, "--redact-sources")
    tap.ok(rc == 0 and os.path.exists(pack) and (out or {}).get("redacted") is True,
           "wam evidence pack writes the pack, sources redacted", e)
    raw = open(pack, "rb").read() if os.path.exists(pack) else b""
    tap.eq(stat.S_IMODE(os.stat(pack).st_mode) if raw else None, 0o600, "... owner-only")
    tap.ok(raw and IDENTITY.encode() not in raw and IDENTITY_2.encode() not in raw and b"SRC-01" not in raw,
           "the redacted pack holds neither identity nor ref")
    rc, text, e = human("evidence", "pack", fid, "--out", reg.path("full.wep"), user="amina")
    tap.ok(rc == 0 and "sources' identities" in text and "--redact-sources" in text,
           "a pack made without --redact-sources says it carries the sources' identities", text, e)
    rc, text, e = human("evidence", "pack", fid, "--out", reg.path("red.wep"), "--redact-sources", user="amina")
    tap.ok(rc == 0 and "sources redacted" in text and "identities" not in text, "... a redacted one does not", text)
    rc, v, e = as_user("jonas", "evidence", "verify", pack)
    tap.ok(rc == 0 and (v or {}).get("valid") is True, "wam evidence verify: valid (exit 0)", v, e)
    rc, text, _ = human("evidence", "verify", pack)
    tap.ok(rc == 0 and text.startswith("valid"), "... in words", text)
    try:
        with tarfile.open(pack) as t:
            body = t.getmember("finding.json").offset_data
    except (OSError, KeyError, tarfile.TarError):
        body = -1
    altered = reg.path("altered.wep")
    if body > 0:
        with open(altered, "wb") as f:
            f.write(raw[:body] + bytes([raw[body] ^ 1]) + raw[body + 1:])
        rc, v, e = reg.run("evidence", "verify", altered, check=False)
        tap.ok(rc == 1 and (v or {}).get("valid") is False
               and any(p.get("file") == "finding.json" for p in (v or {}).get("problems", [])),
               "a byte of finding.json changed: not valid (exit 1), naming finding.json", v, e)
    else:
        tap.ok(False, "the pack is a tar archive holding finding.json")
    rc, _, e = reg.run("evidence", "verify", reg.path("inspection.json"), check=False)
    tap.eq(rc, 2, "what is no evidence pack is refused as bad input", e)

    # ---- the shipped examples, verbatim ----
    examples(tap)

    # ---- groups and usage ----
    for group in ("observation", "finding", "profile", "evidence"):
        rc, _, e = human(group)
        tap.ok(rc == 2 and f"wam {group} " in e, f"wam {group} without a verb lists its verbs", e)
    rc, out, e = reg.run("verify", check=False)
    tap.eq(rc, 0, "the ledger verifies", e)


def examples(tap):
    """Each JSON file of docs/examples/monitoring/ recorded as it stands, by a
    monitor of a fresh registry, from its own directory (its photos named by
    file beside it): an observation with `observation add --from`. A JSON
    example of another kind fails here until this test records it too."""
    ex = Registry()
    ex.run("init", "--country", "CF")
    ex.user("amina", "monitor", PW["amina"])
    files = sorted(glob.glob(os.path.join(EXAMPLES, "*.json")))
    tap.ok(files, "docs/examples/monitoring/ holds JSON examples", EXAMPLES)
    for path in files:
        name = os.path.basename(path)
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if "observed_at" not in doc:
            tap.ok(False, f"example {name} is recorded by this test (an observation is the only kind it knows)")
            continue
        rc, obs, e = ex.run("--as", "amina", "--password-stdin", "observation", "add", "--from", path,
                            stdin=PW["amina"] + "\n", check=False)
        tap.eq(rc, 0, f"example {name}: wam observation add --from records it as shipped", e)
        if rc:
            continue
        # every photo named by file is stored, by the hash of the file shipped
        want, got = [], []
        lists = [doc.get("photos", [])] + [x.get("photos", []) for x in doc.get("items", []) + doc.get("documents", [])]
        kept = [obs.get("photos", [])] + [x.get("photos", []) for x in obs.get("items", []) + obs.get("documents", [])]
        for named, stored in zip(lists, kept):
            for p, h in zip(named, stored):
                with open(os.path.join(EXAMPLES, p["file"]), "rb") as f:
                    want.append(hashlib.sha256(f.read()).hexdigest())
                got.append(h["hash"] if isinstance(h, dict) else h)
        tap.ok(want and got == want, f"example {name}: each photo file beside it stored by its hash", got, want)
        tap.eq(len(obs.get("items", [])), len(doc.get("items", [])), f"example {name}: every item recorded")
    rc, _, e = ex.run("verify", check=False)
    tap.eq(rc, 0, "the examples' registry verifies", e)


if __name__ == "__main__":
    sys.exit(main(test))
