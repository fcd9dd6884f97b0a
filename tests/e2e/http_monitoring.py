#!/usr/bin/env python3
"""e2e-http-monitoring: embargo monitoring in the field over the API.

A monitor uploads a photo (image/png: its hash), records an inspection in
Ouham naming it (201, Location), a second monitor a cache recovery in
Vakaga where the same rifle is seen (a link on both). The second monitor
reads the first's observation without the source's identity and no read is
logged; the recorder and a source handler read it, the handler's read
logged. A viewer may not list observations (403); bad input is 422 naming
the field with its row, and writes nothing; bad query parameters are 400
naming them. An item becomes a trace request (201, Location) — a role
without trace may not. A finding on one source is refused corroboration
(409 naming evidence), links a second observation, holds, is corroborated
and reported, then frozen (409). Profiles and the committee report (JSON,
and text/html). An evidence pack downloads as application/x-tar
(attachment), redacted without the identity, leaves no file behind,
verifies (200 valid) and, a byte changed, is not valid naming the file; a
body that is no pack is 422, a JSON body 415. The vocabulary carries the
monitoring words, and the ledger verifies.
"""
import base64
import datetime
import glob
import io
import os
import sys
import tarfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import Registry, Server, error_shape, main, q  # noqa: E402

TODAY = datetime.date.today()
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
IDENTITY = "Colonel Yakité, former FACA armourer"
PW = {"amina": "first monitor password", "jonas": "second monitor password", "sara": "source handler password"}


def day(offset):
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


def inspection(photo):
    return {"kind": "armoury_inspection", "observed_at": day(-20),
            "place": {"name": "Bossangoa depot", "admin_area": "Ouham", "country": "CF", "lat": 6.49, "lon": 17.45},
            "unit": "MINUSCA embargo cell", "officer": "A. Diallo", "reference": "HTTP-OBS-1",
            "actor": {"kind": "armed_group", "name": "Front populaire du Nord", "country": "CF"},
            "sources": [{"type": "physical_inspection", "independent": True, "reliability": "B", "credibility": 2,
                         "ref": "SRC-H1", "identity": IDENTITY}],
            "items": [{"kind": "weapon", "make": "Norinco", "model": "Type 56", "category": "SA4",
                       "calibre": "7.62x39mm", "serial": "56-9900412", "country": "CN",
                       "markings": [{"component": "frame_receiver", "kind": "serial", "text": "56-9900412"}],
                       "photos": [photo]}],
            "documents": [], "photos": [{"hash": photo, "caption": "the rifle"}]}


def recovery():
    return {"kind": "cache_recovery", "observed_at": day(-3),
            "place": {"name": "Ouanda Djallé road", "admin_area": "Vakaga", "country": "CF"},
            "unit": "MINUSCA embargo cell", "officer": "B. Ndiaye",
            "actor": {"kind": "armed_group", "name": "Front populaire du Nord"},
            "sources": [{"type": "witness", "independent": True, "reliability": "C", "credibility": 3,
                         "ref": "SRC-H2", "identity": "a herder"}],
            "items": [{"kind": "weapon", "make": "Norinco", "model": "Type 56", "category": "SA4",
                       "serial": "56-9900412", "markings": [], "photos": []}],
            "documents": [], "photos": []}


def test(tap):
    reg = Registry()
    reg.run("init", "--country", "CF")
    for name, role in (("amina", "monitor"), ("jonas", "monitor"), ("sara", "source_handler")):
        reg.user(name, role, PW[name])
    admin = reg.token("admin", "admin")[0]
    viewer = reg.token("reader", "viewer")[0]
    tracer = reg.token("tracer", "tracer")[0]
    auditor = reg.token("audit", "auditor")[0]
    srv = Server(reg)
    amina, jonas, sara = (srv.session(n, PW[n]) for n in ("amina", "jonas", "sara"))
    tap.ok(amina and jonas and sara, "two monitors and a source handler sign in")

    def events():
        return srv.get("/api/v1/summary", auditor).json["totals"]["events"]

    def reads(subject):
        got = srv.get("/api/v1/events" + q(subject=subject, limit=1000), auditor).json or []
        if isinstance(got, dict):
            got = got.get("events", [])
        return [e for e in got if e.get("type") == "record.read"]

    def refused(resp, status, field, desc):
        e = resp.error()
        tap.ok(resp.status == status and e.get("field") == field and not error_shape(resp),
               f"{desc}: {status} naming {field}", repr(resp))

    # ---- recording ----
    resp = srv.post("/api/v1/photos", PNG, ctype="image/png", **amina)
    tap.eq(resp.status, 201, "a monitor uploads a photo", repr(resp))
    photo = (resp.json or {}).get("hash", "")
    n = events()
    bad = inspection(photo)
    bad["items"][0]["markings"][0]["text"] = ""
    resp = srv.post("/api/v1/observations", bad, **amina)
    tap.ok(resp.status == 422 and resp.error().get("field", "").startswith("items[0].markings[0]")
           and not error_shape(resp), "an empty marking is 422 naming items[0].markings[0]", repr(resp))
    bad = inspection("0" * 64)
    resp = srv.post("/api/v1/observations", bad, **amina)
    tap.ok(resp.status in (404, 422) and "photos" in resp.error().get("field", ""),
           "a photo not in the store is refused naming it", repr(resp))
    tap.eq(events(), n, "... and nothing is written")
    resp = srv.post("/api/v1/observations", inspection(photo), viewer)
    tap.eq(resp.status, 403, "a viewer may not record an observation", repr(resp))

    resp = srv.post("/api/v1/observations", inspection(photo), **amina)
    tap.eq(resp.status, 201, "POST /observations: 201", repr(resp))
    o1 = (resp.json or {}).get("id", "")
    tap.eq(resp.header("Location"), f"/api/v1/observations/{o1}", "... at its Location")
    resp = srv.post("/api/v1/observations", recovery(), **jonas)
    tap.eq(resp.status, 201, "a second monitor records the cache recovery", repr(resp))
    o2 = (resp.json or {}).get("id", "")
    tap.ok(any(x.get("observation_id") == o1 for x in (resp.json or {}).get("links", [])),
           "the rifle seen in Ouham is linked", repr(resp))

    # ---- need to know ----
    before = len(reads(o1))
    resp = srv.get(f"/api/v1/observations/{o1}", **jonas)
    src = ((resp.json or {}).get("sources") or [{}])[0]
    tap.ok(resp.status == 200 and "identity" not in src and src.get("identity_held") is True,
           "a second monitor reads the observation without the source's identity", repr(resp))
    tap.ok(IDENTITY.encode("utf-8") not in resp.body, "... nowhere in the answer")
    tap.eq(len(reads(o1)), before, "... and no read is logged")
    resp = srv.get(f"/api/v1/observations/{o1}", **sara)
    tap.eq(((resp.json or {}).get("sources") or [{}])[0].get("identity"), IDENTITY, "a source handler reads it")
    tap.eq(len(reads(o1)), before + 1, "... and the read is logged")
    resp = srv.get(f"/api/v1/observations/{o1}", **amina)
    tap.eq(((resp.json or {}).get("sources") or [{}])[0].get("identity"), IDENTITY, "the recorder reads it")
    resp = srv.get(f"/api/v1/observations/{o1}", admin)
    tap.ok(resp.status == 200 and IDENTITY.encode("utf-8") not in resp.body, "an admin does not", repr(resp))

    # ---- lists ----
    resp = srv.get("/api/v1/observations", viewer)
    tap.eq(resp.status, 403, "a viewer may not list observations", repr(resp))
    resp = srv.get("/api/v1/observations" + q(actor="FRONT POPULAIRE DU NORD", country="CF"), **jonas)
    tap.eq([x["id"] for x in resp.json or []], [o2, o1], "observations of the actor, newest observed first")
    resp = srv.get("/api/v1/observations" + q(limit=1), **jonas)
    tap.eq(len(resp.json or []), 1, "limit=1: one")
    refused(srv.get("/api/v1/observations" + q(limit="all"), **jonas), 400, "limit", "limit=all")
    # a query value the library refuses is 400 as one the route checks itself
    refused(srv.get("/api/v1/observations" + q(kind="picnic"), **jonas), 400, "kind", "kind=picnic")
    refused(srv.get("/api/v1/observations" + q(since="yesterday"), **jonas), 400, "since", "since=yesterday")
    refused(srv.get("/api/v1/observations" + q(until="2026-13-40"), **jonas), 400, "until", "until=2026-13-40")

    # ---- trace in one step ----
    details = {"requesting": {"state": "CF", "agency": "MINUSCA embargo cell", "contact": {"name": "A. Diallo"}},
               "requested": {"state": "CN", "agency": "MFA"},
               "justification": "seen in an armed group's depot", "intended_use": "report to the Panel"}
    resp = srv.post(f"/api/v1/observations/{o1}/items/0/trace", details, tracer)
    tap.eq(resp.status, 403, "a tracer who does not monitor may not", repr(resp))
    refused(srv.post(f"/api/v1/observations/{o1}/items/first/trace", details, **amina), 400, "item",
            "items/first")
    resp = srv.post(f"/api/v1/observations/{o1}/items/9/trace", details, **amina)
    tap.ok(resp.status in (404, 422) and resp.error().get("field") == "item", "an item it does not have: naming item",
           repr(resp))
    resp = srv.post(f"/api/v1/observations/{o1}/items/0/trace", details, **amina)
    tap.eq(resp.status, 201, "POST /observations/{id}/items/0/trace: 201", repr(resp))
    tid = (resp.json or {}).get("id", "")
    tap.eq(resp.header("Location"), f"/api/v1/traces/{tid}", "... at the trace request's Location")

    # ---- findings ----
    refused(srv.post("/api/v1/findings", {"statement": ""}, **amina), 422, "statement", "an empty statement")
    resp = srv.post("/api/v1/findings", {"statement": "The Front populaire du Nord holds Type 56 rifles",
                                         "actor": {"kind": "armed_group", "name": "Front populaire du Nord"},
                                         "period": {"from": day(-30), "to": day(0)}, "country": "CF"}, **amina)
    tap.eq(resp.status, 201, "POST /findings: 201", repr(resp))
    fid = (resp.json or {}).get("id", "")
    refused(srv.post(f"/api/v1/findings/{fid}/links", {"note": "no target"}, **amina), 422, "target",
            "a link without a target")
    refused(srv.post(f"/api/v1/findings/{fid}/links", {"target": o1, "weight": 3}, **amina), 422, "weight",
            "a link with a field it does not take")
    resp = srv.post(f"/api/v1/findings/{fid}/links", {"target": o1, "note": "the depot"}, **amina)
    tap.eq(resp.status, 200, "the inspection is linked", repr(resp))
    resp = srv.get(f"/api/v1/findings/{fid}/rule", **amina)
    tap.ok(resp.status == 200 and resp.json.get("holds") is False and resp.json.get("message"),
           "GET /findings/{id}/rule: does not hold, and why", repr(resp))
    n = events()
    refused(srv.post(f"/api/v1/findings/{fid}/corroborate", {}, **amina), 409, "evidence",
            "corroborating on one source")
    refused(srv.post(f"/api/v1/findings/{fid}/corroborate", {"force": True}, **amina), 422, "force",
            "corroborate takes no fields")
    tap.eq(events(), n, "... and nothing is written")
    resp = srv.post(f"/api/v1/findings/{fid}/links", {"target": o2}, **amina)
    tap.eq(resp.status, 200, "the recovery is linked", repr(resp))
    resp = srv.request("DELETE", f"/api/v1/findings/{fid}/links/{o2}", **amina)
    tap.ok(resp.status == 200 and len(resp.json.get("links", [])) == 1, "DELETE a link of a draft: 200", repr(resp))
    srv.post(f"/api/v1/findings/{fid}/links", {"target": o2}, **amina)
    resp = srv.post(f"/api/v1/findings/{fid}/corroborate", None, **amina)
    tap.ok(resp.status == 200 and resp.json.get("state") == "corroborated", "two independent sources: corroborated",
           repr(resp))
    refused(srv.post(f"/api/v1/findings/{fid}/report", {"date": day(0)}, **amina), 422, "to", "a report without to")
    resp = srv.post(f"/api/v1/findings/{fid}/report", {"to": "Panel of Experts on the Central African Republic",
                                                       "reference": "PoE/CAR/14"}, **amina)
    tap.ok(resp.status == 200 and resp.json.get("state") == "reported", "reported to the Panel", repr(resp))
    resp = srv.post(f"/api/v1/findings/{fid}/links", {"target": tid}, **amina)
    tap.eq(resp.status, 409, "a reported finding is frozen", repr(resp))
    resp = srv.get("/api/v1/findings" + q(state="reported"), **jonas)
    tap.eq([x["id"] for x in resp.json or []], [fid], "GET /findings?state=reported")
    refused(srv.get("/api/v1/findings" + q(state="maybe"), **jonas), 400, "state", "state=maybe")

    # ---- profiles and the report ----
    resp = srv.get("/api/v1/profiles/actors" + q(name="Front populaire du Nord"), **jonas)
    tap.ok(resp.status == 200 and resp.json.get("observations") == 2, "the actor's profile", repr(resp))
    refused(srv.get("/api/v1/profiles/actors", **jonas), 400, "name", "a profile without a name")
    resp = srv.get("/api/v1/profiles/countries/CF" + q(compare_imports="true"), **jonas)
    tap.ok(resp.status == 200 and resp.json.get("weapons"), "the country's profile, compared with imports",
           repr(resp))
    refused(srv.get("/api/v1/profiles/countries/CF" + q(compare_imports="perhaps"), **jonas), 400,
            "compare_imports", "compare_imports=perhaps")
    period = {"from": day(-60), "to": day(0)}
    resp = srv.get("/api/v1/reports/committee" + q(**period), **jonas)
    tap.ok(resp.status == 200 and [x["id"] for x in resp.json.get("findings", [])] == [fid],
           "the committee report lists the period's finding", repr(resp))
    resp = srv.get("/api/v1/reports/committee" + q(format="html", **period), **jonas)
    tap.ok(resp.status == 200 and (resp.header("Content-Type") or "").startswith("text/html")
           and b"<html" in resp.body.lower(), "format=html: a printable page", repr(resp))
    refused(srv.get("/api/v1/reports/committee" + q(to=day(0)), **jonas), 400, "from", "a report without from")
    refused(srv.get("/api/v1/reports/committee" + q(format="pdf", **period), **jonas), 400, "format", "format=pdf")
    refused(srv.get("/api/v1/reports/committee" + q(**{"from": day(0), "to": day(-60)}), **jonas), 400, "from",
            "a period the wrong way round")

    # ---- the evidence pack ----
    left = set(glob.glob(reg.db + "*"))
    resp = srv.get(f"/api/v1/findings/{fid}/evidence-pack" + q(redact_sources="true"), **jonas)
    tap.ok(resp.status == 200 and resp.header("Content-Type") == "application/x-tar"
           and "attachment" in (resp.header("Content-Disposition") or ""),
           "GET /findings/{id}/evidence-pack: an application/x-tar attachment", repr(resp))
    pack = resp.body
    tap.ok(pack and IDENTITY.encode("utf-8") not in pack and b"SRC-H1" not in pack,
           "the redacted pack carries no identity and no ref")
    tap.eq(set(glob.glob(reg.db + "*")) - left, set(), "no file is left beside the registry")
    try:
        names = tarfile.open(fileobj=io.BytesIO(pack)).getnames()
    except tarfile.TarError:
        names = []
    tap.ok("manifest.json" in names and "signature.json" in names and "finding.json" in names,
           "any tar reader opens it: manifest, signature, finding", names)
    resp = srv.post("/api/v1/evidence-packs/verify", pack, ctype="application/x-tar", **jonas)
    tap.ok(resp.status == 200 and resp.json.get("valid") is True, "POST /evidence-packs/verify: valid", repr(resp))
    member = tarfile.open(fileobj=io.BytesIO(pack)).getmember("finding.json") if "finding.json" in names else None
    if member:
        at = member.offset_data
        altered = pack[:at] + bytes([pack[at] ^ 1]) + pack[at + 1:]
        resp = srv.post("/api/v1/evidence-packs/verify", altered, ctype="application/x-tar", **jonas)
        tap.ok(resp.status == 200 and resp.json.get("valid") is False
               and any(p.get("file") == "finding.json" for p in resp.json.get("problems", [])),
               "a byte of finding.json changed: 200, not valid, naming finding.json", repr(resp))
    refused(srv.post("/api/v1/evidence-packs/verify" + q(public_key="zz"), pack, ctype="application/x-tar", **jonas),
            400, "public_key", "public_key=zz")
    resp = srv.post("/api/v1/evidence-packs/verify", b"not a tar archive", ctype="application/x-tar", **jonas)
    tap.ok(resp.status == 422 and not error_shape(resp), "what is no pack: 422", repr(resp))
    resp = srv.post("/api/v1/evidence-packs/verify", {"pack": "x"}, **jonas)
    tap.eq(resp.status, 415, "a JSON body: 415", repr(resp))
    resp = srv.get("/api/v1/findings/NOPE/evidence-pack", **jonas)
    tap.eq(resp.status, 404, "no such finding: 404", repr(resp))
    tap.eq(set(glob.glob(reg.db + "*")) - left, set(), "... and still no file left behind")

    # ---- confinement, vocabulary, ledger ----
    site = reg.wam("site", "add", "Bangui depot", "--kind", "depot")["id"]
    confined = reg.token("confined", "admin", [site])[0]
    resp = srv.get("/api/v1/observations", confined)
    tap.eq(resp.status, 403, "a caller confined to a site may not read observations", repr(resp))
    v = srv.get("/api/v1/vocabulary", viewer).json or {}
    tap.ok("armoury_inspection" in v.get("observation_kinds", []) and v.get("reliability") == list("ABCDEF")
           and "corroborated" in v.get("finding_states", []), "the vocabulary carries the monitoring words",
           repr({k: v.get(k) for k in ("observation_kinds", "reliability", "finding_states")}))
    resp = srv.get("/api/v1/verify", auditor)
    tap.ok(resp.status == 200 and resp.json.get("intact"), "the ledger is intact", repr(resp))
    tap.eq(srv.stop(), 0, "the server stops cleanly", srv.stderr())


if __name__ == "__main__":
    sys.exit(main(test))
