#!/usr/bin/env python3
"""e2e-http-collection: field collection and destruction over the API as a
client sees them — a recovery made with a JSON body and its 201 Location,
an unmarked weapon's task listed and closed by a marking, hand-overs in
order, a photo posted as image bytes, read back with its media type and
stored once, non-images refused (415 for the content type, 422 for the
bytes); then a destruction batch refused without a certificate (422),
without two verifiers and with a serial mismatch (409, the mismatches
named), closed, its weapons destroyed and its certificate an escaped HTML
page naming the closing event's hash. Failed requests change nothing, and
the registry verifies. A task's reason comes with its message id and args
(reason_msg), which the console's English catalogue fills to the very
reason, and without them once the rules no longer give that reason."""
import json
import os
import pwd
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import EN_CATALOGUE, Registry, Server, main, q  # noqa: E402

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256))


def test(tap):
    reg = Registry()
    reg.run("init", "--country", "HT")
    armourer = reg.token("field", "armourer")[0]
    viewer = reg.token("reader", "viewer")[0]
    for name in ("verifier-a", "verifier-b"):
        reg.user(name, "armourer", "a long verifier password")
    reg.user("bystander", "armourer", "a long bystander password")
    srv = Server(reg)

    def events():
        return reg.wam("log", "--limit", "100000")

    resp = srv.post("/api/v1/recoveries", {
        "type": "seized", "date": "2026-02-14", "place": "Malpasse border post", "context": "border_interdiction",
        "officer": "Agent Pierre", "person": "Driver <script>", "task_days": 10,
        "weapons": [{"category": "SA4", "make": "Norinco", "model": "Type 56", "serial": "56-4400123",
                     "country": "CN"},
                    {"category": "SA1", "markings": [{"component": "frame_receiver", "kind": "serial",
                                                      "text": "XXXXX", "legibility": "obliterated"}]}]}, armourer)
    tap.eq(resp.status, 201, "POST /recoveries: 201", repr(resp))
    rec = resp.json
    tap.eq(resp.header("Location"), f"/api/v1/recoveries/{rec['id']}", "with its Location")
    tap.ok("Driver" not in resp.body.decode() and rec["person_ref"].startswith("P-"),
           "the person is a pseudonym only")
    tap.eq([i["status"] for i in rec["items"]], ["seized", "seized"], "the weapons are registered as seized")
    tap.eq([(i["kind"], i["part_type"], i["manufacture"]) for i in rec["items"]], [("weapon", None, None)] * 2,
           "each item says whether it is a weapon or a part, and how it was made")
    unmarked = rec["items"][1]["id"]
    tap.eq([(t["item_id"], t["due"], t["state"]) for t in rec["tasks"]], [(unmarked, "2026-02-24", "overdue")],
           "the obliterated weapon has an overdue task")

    tasks = srv.get("/api/v1/tasks", viewer).json
    tap.eq([t["item_id"] for t in tasks], [unmarked], "GET /tasks lists it for a viewer")
    tap.eq(said_again(tasks[0]), None, "GET /tasks: its reason_msg says the reason")
    tap.eq(said_again(rec["tasks"][0]), None, "... and so does the recovery's")
    tap.eq(srv.get("/api/v1/tasks" + q(state="soon"), viewer).status, 422, "an unknown task state is 422")
    resp = srv.post(f"/api/v1/tasks/{tasks[0]['id']}/mark", {"text": "HT-DGA-2026-000007"}, viewer)
    tap.eq(resp.status, 403, "a viewer may not mark")
    resp = srv.post(f"/api/v1/tasks/{tasks[0]['id']}/mark", {"text": "HT-DGA-2026-000007"}, armourer)
    tap.eq(resp.status, 200, "POST /tasks/{id}/mark: 200", repr(resp))
    tap.ok(any(m["text"] == "HT-DGA-2026-000007" for m in resp.json["markings"]), "the weapon has the marking")
    tap.eq(srv.get("/api/v1/tasks", viewer).json, [], "no open task is left")
    tap.eq(srv.post(f"/api/v1/tasks/{tasks[0]['id']}/mark", {"text": "again"}, armourer).status, 409,
           "a closed task is 409")
    closed = [t for t in srv.get("/api/v1/tasks" + q(state="all"), viewer).json if t["id"] == tasks[0]["id"]]
    tap.ok(len(closed) == 1 and closed[0]["reason"] == tasks[0]["reason"] and "reason_msg" not in closed[0],
           "once marked, its weapon's rules say otherwise: the recorded reason without reason_msg", repr(closed))

    for frm, to in (("Agent Pierre", "Sgt. Louis"), ("Sgt. Louis", "Evidence room")):
        resp = srv.post(f"/api/v1/recoveries/{rec['id']}/handovers", {"from": frm, "to": to, "reason": "custody"},
                        armourer)
        tap.eq(resp.status, 201, f"hand-over {frm} -> {to}: 201", repr(resp))
    got = srv.get(f"/api/v1/recoveries/{rec['id']}", viewer).json["handovers"]
    tap.eq([(h["n"], h["from"], h["to"]) for h in got],
           [(1, "Agent Pierre", "Sgt. Louis"), (2, "Sgt. Louis", "Evidence room")], "hand-overs listed in order")

    before = len(events())
    resp = srv.post(f"/api/v1/recoveries/{rec['id']}/photos", b"<html>not a photo</html>", armourer,
                    ctype="image/jpeg")
    tap.eq((resp.status, resp.error().get("field")), (422, "photo"), "bytes that are no image: 422 naming photo")
    resp = srv.post(f"/api/v1/recoveries/{rec['id']}/photos", JPEG, armourer, ctype="application/octet-stream")
    tap.eq(resp.status, 415, "a photo sent as another content type: 415")
    tap.eq(len(events()), before, "the refused photos changed nothing")
    resp = srv.post(f"/api/v1/recoveries/{rec['id']}/photos" + q(caption="left side <scale>"), JPEG, armourer,
                    ctype="image/jpeg")
    tap.eq(resp.status, 201, "POST /photos: 201", repr(resp))
    photo = resp.json
    again = srv.post(f"/api/v1/recoveries/{rec['id']}/photos", JPEG, armourer, ctype="image/jpeg")
    tap.eq(again.json["hash"], photo["hash"], "the same photo again: the same record")
    tap.eq(len(os.listdir(reg.db + ".photos")), 1, "stored once")
    resp = srv.get(f"/api/v1/recoveries/{rec['id']}/photos/{photo['hash']}", viewer)
    tap.ok(resp.status == 200 and resp.body == JPEG and resp.header("Content-Type") == "image/jpeg",
           "GET /photos/{hash}: the bytes, as image/jpeg", repr(resp))
    tap.eq(srv.get(f"/api/v1/recoveries/{rec['id']}/photos/{'0' * 64}", viewer).status, 404, "an unknown photo: 404")

    # ---- destruction ----
    seized = rec["items"][0]["id"]
    resp = srv.post("/api/v1/destructions", {"method": "crush", "site": "Depot <Nord> & co", "date": "2026-11-20"},
                    armourer)
    tap.eq(resp.status, 201, "POST /destructions: 201", repr(resp))
    b = resp.json["id"]
    for body in ({"item_id": seized}, {"item_id": unmarked}):
        tap.eq(srv.post(f"/api/v1/destructions/{b}/items", body, armourer).status, 200, "a weapon is listed")
    tap.eq(srv.post(f"/api/v1/destructions/{b}/people", {"role": "verifier", "name": "verifier-a"}, armourer).status,
           200, "a verifier")
    tap.eq(srv.post(f"/api/v1/destructions/{b}/people", {"role": "witness", "name": "Mayor <Jean>"},
                    armourer).status, 200, "a witness")
    resp = srv.post(f"/api/v1/destructions/{b}/verify", {"serials": ["56-4400123", "HT-DGA-2026-000007"]}, armourer)
    tap.ok(resp.status == 200 and resp.json["checks"][-1]["ok"], "the serials read match the list", repr(resp))
    before = len(events())
    resp = srv.post(f"/api/v1/destructions/{b}/close", {}, armourer)
    tap.eq((resp.status, resp.error().get("field")), (422, "certificate"), "closing without a certificate: 422")
    resp = srv.post(f"/api/v1/destructions/{b}/close", {"certificate": "DC-1"}, armourer)
    tap.eq((resp.status, resp.error().get("field")), (409, "verifiers"), "closing with one verifier: 409")
    srv.post(f"/api/v1/destructions/{b}/people", {"role": "verifier", "name": "verifier-b"}, armourer)
    srv.post(f"/api/v1/destructions/{b}/verify", {"serials": ["56-4400123", "99-WRONG"]}, armourer)
    resp = srv.post(f"/api/v1/destructions/{b}/close", {"certificate": "DC-1"}, armourer)
    msg = resp.error().get("message", "")
    tap.ok(resp.status == 409 and "HT-DGA-2026-000007" in msg and "99-WRONG" in msg,
           "a serial mismatch: 409 naming both", repr(resp))
    tap.eq(srv.get(f"/api/v1/items/{seized}", viewer).json["status"], "seized", "nothing destroyed yet")
    tap.eq(srv.get(f"/api/v1/destructions/{b}/certificate", viewer).status, 409, "an open batch has no certificate")
    tap.eq(len(events()), before + 2, "the refusals recorded nothing (two events: a verifier, a reading)")
    srv.post(f"/api/v1/destructions/{b}/verify", {"serials": ["56 4400123", "ht-dga-2026-000007"]}, armourer)
    # naming two verifiers proves nothing: each confirms in their own session
    before = len(events())
    resp = srv.post(f"/api/v1/destructions/{b}/close", {"certificate": "FAKE-1"}, armourer)
    tap.eq((resp.status, resp.error().get("field")), (409, "confirmations"),
           "closing before the verifiers confirmed: 409", repr(resp))
    resp = srv.post(f"/api/v1/destructions/{b}/confirm", {}, armourer)
    tap.eq(resp.status, 403, "a token cannot confirm for a verifier: 403", repr(resp))
    other = srv.session("bystander", "a long bystander password")
    resp = srv.post(f"/api/v1/destructions/{b}/confirm", {}, **other)
    tap.eq(resp.status, 403, "a signed-in user who is not a verifier cannot confirm: 403", repr(resp))
    tap.eq(len(events()), before, "... and the refusals recorded nothing")
    sess_a = srv.session("verifier-a", "a long verifier password")
    resp = srv.post(f"/api/v1/destructions/{b}/confirm", {}, **sess_a)
    tap.ok(resp.status == 200 and [v["confirmed"] for v in resp.json["verifier_states"]] == [True, False],
           "verifier-a confirms in their own session", repr(resp))
    resp = srv.post(f"/api/v1/destructions/{b}/confirm", {}, **sess_a)
    tap.eq(resp.status, 409, "the same verifier twice: 409", repr(resp))
    resp = srv.post(f"/api/v1/destructions/{b}/close", {"certificate": "DC-2026/<9>"}, armourer)
    tap.eq((resp.status, resp.error().get("field")), (409, "confirmations"), "one confirmation is not two: 409")
    resp = srv.post(f"/api/v1/destructions/{b}/confirm", {}, **srv.session("verifier-b", "a long verifier password"))
    tap.eq(resp.status, 200, "verifier-b confirms in their own session", repr(resp))
    confirmed_by = [e["actor"] for e in events() if e["type"] == "destruction.confirmed"]
    tap.eq(confirmed_by, ["user:verifier-a", "user:verifier-b"], "each confirmation is recorded as its verifier")
    resp = srv.post(f"/api/v1/destructions/{b}/close", {"certificate": "DC-2026/<9>"}, armourer)
    tap.eq((resp.status, resp.json and resp.json["state"]), (200, "closed"), "closed with its certificate", repr(resp))
    tap.eq({srv.get(f"/api/v1/items/{i}", viewer).json["status"] for i in (seized, unmarked)}, {"destroyed"},
           "its weapons are destroyed")
    resp = srv.get(f"/api/v1/destructions/{b}/certificate", viewer)
    page = resp.body.decode()
    tap.ok(resp.status == 200 and resp.header("Content-Type").startswith("text/html"),
           "GET /certificate: text/html", repr(resp))
    tap.ok("DC-2026/&lt;9&gt;" in page and "Depot &lt;Nord&gt; &amp; co" in page and "Mayor &lt;Jean&gt;" in page
           and "<Nord>" not in page, "every value is escaped")
    closing = [e for e in events() if e["type"] == "destruction.closed"][0]
    tap.ok(closing["hash"] in page and f">{closing['seq']}<" in page, "the closing event's seq and hash are on it")
    tap.ok("56-4400123" in page and "verifier-a, verifier-b" in page, "with serials and verifiers")
    tap.ok("Confirmed by" in page and "verifier-a (" in page and "verifier-b (" in page,
           "the certificate lists who confirmed and when")
    tap.eq(srv.post(f"/api/v1/destructions/{b}/items", {"item_id": seized}, armourer).status, 409,
           "a closed batch takes nothing more")
    check_final_statuses(tap, reg, srv, armourer, viewer, events)
    check_accounts_taken_over(tap, reg, srv, armourer)
    check_task_reason_args(tap, srv, armourer, viewer)
    check_ammunition(tap, srv, reg, armourer, viewer, events)
    check_people(tap, srv, reg, armourer, viewer, rec["id"])
    v = srv.get("/api/v1/verify", reg.token("audit", "auditor")[0]).json
    tap.ok(v["intact"], "the registry verifies", str(v))
    tap.eq(srv.stop(), 0, "the server stops")


def check_people(tap, srv, reg, armourer, viewer, rec_id):
    """A recovery's person (sex, age band; never a name) and legal
    justification, recorded later by POST /recoveries/{id}/description; a
    holder's sex and age band, which a list never carries and one holder
    carries only to read_sensitive roles (a not_recorded one to all)."""
    path = f"/api/v1/recoveries/{rec_id}"
    tap.eq([srv.get(path, viewer).json[k] for k in ("person_sex", "person_age_band", "legal_justification")],
           ["not_recorded"] * 3, "a recovery that said nothing: each not_recorded")
    resp = srv.post(path + "/description", {"person_sex": "male", "person_age_band": "18_24"}, viewer)
    tap.eq(resp.status, 403, "a viewer does not describe a recovery", repr(resp))
    resp = srv.post(path + "/description", {"person_age_band": "eighteen"}, armourer)
    tap.ok(resp.status in (400, 422) and resp.json["error"]["field"] == "person_age_band",
           "a word outside the vocabulary: refused naming person_age_band", repr(resp))
    resp = srv.post(path + "/description", {"person_sex": "male", "legal_justification": "illicit_trafficking"},
                    armourer)
    tap.ok(resp.status == 200 and resp.json["person_sex"] == "male" and resp.json["person_age_band"] == "not_recorded"
           and resp.json["legal_justification"] == "illicit_trafficking", "described: 200 with the recovery",
           repr(resp))
    tap.ok(all({"person_sex", "person_age_band", "legal_justification"} <= r.keys()
               for r in srv.get("/api/v1/recoveries", viewer).json), "the list carries them too")

    registrar = reg.token("people-registrar", "registrar")[0]
    resp = srv.post("/api/v1/holders", {"type": "civilian", "name": "Licensee 4471", "licence": "CP-2024-4471",
                                        "sex": "female", "age_band": "25_34"}, registrar)
    tap.eq(resp.status, 201, "a civilian holder with a sex and an age band", repr(resp))
    holder = resp.json["id"]
    listed = [h for h in srv.get("/api/v1/holders", viewer).json if h["id"] == holder]
    tap.ok(listed and "sex" not in listed[0] and "age_band" not in listed[0], "a list never carries them",
           repr(listed))
    seen = srv.get(f"/api/v1/holders/{holder}", viewer).json
    tap.ok("sex" not in seen and "age_band" not in seen, "a viewer's read of the holder does not carry them", repr(seen))
    seen = srv.get(f"/api/v1/holders/{holder}", registrar).json
    tap.eq((seen.get("sex"), seen.get("age_band")), ("female", "25_34"), "a registrar's does")
    resp = srv.post(f"/api/v1/holders/{holder}/description", {"age_band": "35_59"}, armourer)
    tap.eq(resp.status, 403, "an armourer (no register) does not describe a holder", repr(resp))
    resp = srv.post(f"/api/v1/holders/{holder}/description", {"sex": "unknown"}, registrar)
    tap.ok(resp.status in (400, 422) and resp.json["error"]["field"] == "sex",
           "a word outside the vocabulary: refused naming sex", repr(resp))
    resp = srv.post(f"/api/v1/holders/{holder}/description", {"age_band": "35_59"}, registrar)
    tap.ok(resp.status == 200 and resp.json["age_band"] == "35_59" and resp.json["sex"] == "female",
           "described: 200 with the holder, the sex as it was", repr(resp))
    resp = srv.post("/api/v1/holders", {"type": "police", "name": "Brigade 7"}, registrar)
    seen = srv.get(f"/api/v1/holders/{resp.json['id']}", viewer).json
    tap.eq((seen.get("sex"), seen.get("age_band")), ("not_recorded", "not_recorded"),
           "not_recorded tells nothing of a person: shown to a viewer")


def check_ammunition(tap, srv, reg, armourer, viewer, events):
    """A recovery of ammunition alone: its lines shown with what remains,
    bad lines 422 naming the field, rounds into a stock lot (201, Location of
    the lot, which keeps its origin) and into a destruction batch, never
    more than remain (409 naming rounds), nothing written by a refusal."""
    admin = reg.token("ammunition-admin", "admin")[0]
    site = srv.post("/api/v1/sites", {"name": "Ammunition depot", "kind": "depot"}, admin).json["id"]
    body = {"type": "found", "date": "2026-04-10", "context": "cache", "officer": "Insp. Joseph", "site_id": site,
            "ammunition": [{"calibre": "7.62x39mm", "headstamp": {"text": "71 81", "factory": "71", "year": 1981},
                            "lot": "12-81-071", "crate_marks": "7,62 ПС", "quantity": 500, "packages": 1},
                           {"calibre": "7.62x39mm", "headstamp": {"text": "539 83"}, "quantity": 40}]}
    n = len(events())
    bad = dict(body, ammunition=[body["ammunition"][0], {"calibre": "7.62x39mm", "quantity": "many"}])
    resp = srv.post("/api/v1/recoveries", bad, armourer)
    tap.ok(resp.status == 422 and resp.error().get("field") == "ammunition[1].quantity",
           "POST /recoveries with a bad line: 422 naming ammunition[1].quantity", repr(resp))
    resp = srv.post("/api/v1/recoveries", dict(body, ammunition=[]), armourer)
    tap.ok(resp.status == 422 and resp.error().get("field") == "weapons",
           "neither weapons nor ammunition: 422 naming weapons", repr(resp))
    tap.eq(len(events()), n, "the refusals wrote nothing")
    resp = srv.post("/api/v1/recoveries", body, armourer)
    tap.eq(resp.status, 201, "POST /recoveries with ammunition only: 201", repr(resp))
    rec = resp.json
    tap.eq([(a["line"], a["headstamp"]["text"], a["quantity"], a["remaining"]) for a in rec["ammunition"]],
           [(0, "71 81", 500, 500), (1, "539 83", 40, 40)], "the lines, each with what remains")
    listed = [x for x in srv.get("/api/v1/recoveries", viewer).json if x["id"] == rec["id"]]
    tap.eq(listed[0]["ammunition_rounds"] if listed else None, 540, "GET /recoveries counts the rounds")

    url = f"/api/v1/recoveries/{rec['id']}/ammunition/0/stock"
    tap.eq(srv.post(url, {"rounds": 10, "site_id": site}, viewer).status, 403, "a viewer may not take into stock")
    resp = srv.post(url, {"rounds": 300, "site_id": site}, armourer)
    tap.eq(resp.status, 201, "POST .../ammunition/0/stock: 201", repr(resp))
    lot = resp.json["lot"]
    tap.eq(resp.header("Location"), f"/api/v1/lots/{lot['id']}", "with the lot's Location")
    tap.eq((lot["lot_number"], lot["manufacturer"], lot["year"], lot["rounds"]), ("12-81-071", "71", 1981, 300),
           "the lot is the line's ammunition")
    got = srv.get(f"/api/v1/lots/{lot['id']}", viewer).json
    tap.eq(got.get("origin"), {"recovery_id": rec["id"], "line": 0}, "GET /lots/{id} shows its origin")
    n = len(events())
    resp = srv.post(url, {"rounds": 201, "site_id": site}, armourer)
    tap.ok(resp.status == 409 and resp.error().get("field") == "rounds" and "200 rounds remaining" in resp.body.decode(),
           "201 rounds when 200 remain: 409 naming rounds and the rounds remaining", repr(resp))
    resp = srv.post(f"/api/v1/recoveries/{rec['id']}/ammunition/x/stock", {"rounds": 1, "site_id": site}, armourer)
    tap.ok(resp.status == 422 and resp.error().get("field") == "line", "a line that is no number: 422 naming line",
           repr(resp))
    resp = srv.post(f"/api/v1/recoveries/{rec['id']}/ammunition/9/stock", {"rounds": 1, "site_id": site}, armourer)
    tap.eq(resp.status, 404, "no line 9: 404", repr(resp))
    for bad in ("99999999999999999999", "01", "1000", "-1"):
        resp = srv.post(f"/api/v1/recoveries/{rec['id']}/ammunition/{bad}/stock", {"rounds": 1, "site_id": site},
                        armourer)
        tap.ok(resp.status == 422 and resp.error().get("field") == "line" and f"'{bad}'" in resp.body.decode(),
               f"line {bad}: 422 naming line and what was sent", repr(resp))
    resp = srv.post(url, {"rounds": 1, "site_id": site, "calibre": "9x19mm"}, armourer)
    tap.ok(resp.status == 422 and resp.error().get("field") == "calibre",
           "a calibre given for the lot: 422 (it comes from the line)", repr(resp))
    tap.eq(len(events()), n, "the refusals wrote nothing")

    b = srv.post("/api/v1/destructions", {"method": "CRUSH", "site": "Range", "date": "2026-05-01"}, armourer).json["id"]
    resp = srv.post(f"/api/v1/destructions/{b}/recovered", {"recovery_id": rec["id"], "line": 0, "rounds": 150},
                    armourer)
    tap.eq(resp.status, 200, "POST /destructions/{id}/recovered: 200", repr(resp))
    tap.eq([(x["recovery_id"], x["line"], x["headstamp"], x["lot"], x["rounds"]) for x in resp.json["recovered"]],
           [(rec["id"], 0, "71 81", "12-81-071", 150)], "the batch lists the recovered rounds")
    n = len(events())
    resp = srv.post(f"/api/v1/destructions/{b}/recovered", {"recovery_id": rec["id"], "line": 1, "rounds": 41},
                    armourer)
    tap.ok(resp.status == 409 and resp.error().get("field") == "rounds", "41 rounds when 40 remain: 409", repr(resp))
    resp = srv.post(f"/api/v1/destructions/{b}/recovered", {"recovery_id": rec["id"], "line": 1}, armourer)
    tap.ok(resp.status == 422 and resp.error().get("field") == "rounds", "without rounds: 422 naming rounds",
           repr(resp))
    resp = srv.post(f"/api/v1/destructions/{b}/recovered", {"recovery_id": "NOPE", "line": 0, "rounds": 1},
                    armourer)
    tap.ok(resp.status == 404 and resp.error().get("field") == "recovery_id",
           "an unknown recovery: 404 naming recovery_id", repr(resp))
    tap.eq(srv.post(f"/api/v1/destructions/{b}/recovered", {"recovery_id": rec["id"], "line": 1, "rounds": 1},
                    viewer).status, 403, "a viewer may not list them")
    tap.eq(len(events()), n, "the refusals wrote nothing")
    line = srv.get(f"/api/v1/recoveries/{rec['id']}", viewer).json["ammunition"][0]
    tap.eq((line["stocked"], line["destroyed"], line["remaining"], line["lots"]), (300, 150, 50, [lot["id"]]),
           "the line: stocked, destroyed, remaining and its lot")


def said_again(task):
    """Why `task`'s reason_msg is not its reason said by the console's English
    catalogue (msg.<message_id> filled with args reads exactly the reason), or None."""
    with open(EN_CATALOGUE, encoding="utf-8") as f:
        en = json.load(f)
    said = task.get("reason_msg")
    if not isinstance(said, dict) or set(said) != {"message_id", "args"}:
        return f"no reason_msg {{message_id, args}}: {task!r}"
    text = en.get("msg." + str(said["message_id"]))
    if text is None:
        return f"msg.{said['message_id']} is not in web/i18n/en.json"
    for n, a in enumerate(said["args"], 1):
        text = text.replace("{%d}" % n, a)
    return None if text == task["reason"] else f"msg.{said['message_id']} reads {text!r}, not {task['reason']!r}"


def check_task_reason_args(tap, srv, armourer, viewer):
    """A reason with values in it (an altered marking's kind and component)
    comes with them as args, in the task list and the recovery alike."""
    resp = srv.post("/api/v1/recoveries", {
        "type": "found", "date": "2026-03-02", "place": "Cache at Fond-Verrettes", "context": "cache",
        "officer": "Agent Marie",
        "weapons": [{"category": "SA4", "make": "Colt", "serial": "RX-7731", "country": "US",
                     "markings": [{"component": "barrel", "kind": "serial", "text": "RX-7731", "altered": True}]}]},
        armourer)
    tap.eq(resp.status, 201, "a recovery of an altered weapon: 201", repr(resp))
    rec = resp.json
    tap.eq([t["reason"] for t in rec["tasks"]], ["the serial marking on the barrel shows re-stamping or alteration"],
           "its task's reason")
    listed = [t for t in srv.get("/api/v1/tasks", viewer).json if t["recovery_id"] == rec["id"]]
    for where, task in (("the recovery", rec["tasks"][0]), ("GET /tasks", listed[0] if listed else {})):
        tap.eq(said_again(task), None, f"{where}: the reason_msg of an altered marking says the reason")
        tap.eq(task.get("reason_msg", {}).get("args"), ["serial", "barrel"], f"{where}: with kind and component")


def check_final_statuses(tap, reg, srv, armourer, viewer, events):
    """One armourer cannot destroy or export a weapon with a status change,
    whatever certificate they give; an export is proposed by one person and
    confirmed by another, never the same."""
    site = srv.post("/api/v1/sites", {"name": "Depot Sud", "kind": "depot"}, reg.token("reg0", "admin")[0]).json["id"]
    registrar, reg_token = reg.token("office-1", "registrar")[0], reg.token("office-2", "registrar")[0]
    item = srv.post("/api/v1/items", {"category": "SA1", "make": "Glock", "model": "17", "serial": "FINAL-001",
                                      "country": "AT", "site_id": site}, registrar).json["id"]
    before = len(events())
    resp = srv.post(f"/api/v1/items/{item}/status", {"status": "destroyed", "reason": "x", "certificate": "anything"},
                    armourer)
    tap.ok(resp.status == 409 and "destruction batch" in resp.error().get("message", ""),
           "an armourer's status change to destroyed: 409, pointing to destruction batches", repr(resp))
    resp = srv.post(f"/api/v1/items/{item}/status", {"status": "exported", "reason": "x"}, armourer)
    tap.eq(resp.status, 409, "a status change to exported: 409", repr(resp))
    resp = srv.post(f"/api/v1/items/{item}/status", {"status": "exported", "reason": "x"}, registrar)
    tap.eq(resp.status, 409, "... by a registrar too", repr(resp))
    tap.eq(srv.get(f"/api/v1/items/{item}", viewer).json["status"], "in_store", "the weapon is unchanged")
    tap.eq(len(events()), before, "... and nothing was recorded")
    resp = srv.post("/api/v1/export-proposals", {"item_id": item, "reason": "sold to the Belgian army"}, armourer)
    tap.eq((resp.status, resp.error().get("field")), (422, "document"), "a proposal needs its licence number")
    resp = srv.post("/api/v1/export-proposals", {"item_id": item, "reason": "sold to the Belgian army",
                                                 "document": "EL-2026-7", "country": "BE"}, armourer)
    tap.eq(resp.status, 201, "an armourer proposes the export", repr(resp))
    p = resp.json["id"]
    tap.eq(srv.post(f"/api/v1/export-proposals/{p}/confirm", {}, armourer).status, 403,
           "an armourer may not confirm an export: 403")
    tap.eq(srv.get(f"/api/v1/items/{item}", viewer).json["status"], "in_store", "proposed is not exported")
    p2 = srv.post("/api/v1/export-proposals", {"item_id": srv.post("/api/v1/items", {
        "category": "SA1", "make": "Glock", "model": "19", "serial": "FINAL-002", "country": "AT", "site_id": site},
        registrar).json["id"], "reason": "sold", "document": "EL-2026-8"}, registrar).json["id"]
    resp = srv.post(f"/api/v1/export-proposals/{p2}/confirm", {}, registrar)
    tap.ok(resp.status == 403 and "two-person" in resp.error().get("message", ""),
           "who proposed an export cannot confirm it: 403", repr(resp))
    # a token acts for whoever added it and never confirms: the owner who
    # added the proposer's token adds another and confirms with it
    resp = srv.post(f"/api/v1/export-proposals/{p}/confirm", {}, reg_token)
    tap.ok(resp.status == 403 and "token" in resp.error().get("message", ""),
           "a token does not confirm an export: 403", repr(resp))
    tap.eq(srv.get(f"/api/v1/items/{item}", viewer).json["status"], "in_store", "... the weapon is unchanged")
    # an admin signed in adds a token in their session and confirms with it
    # what they proposed in the session
    reg.user("adm", "admin", "a long admin password")
    adm = srv.session("adm", "a long admin password")
    robot = srv.post("/api/v1/tokens", {"name": "robot", "role": "admin"}, **adm).json["secret"]
    p3 = srv.post("/api/v1/export-proposals", {"item_id": srv.post("/api/v1/items", {
        "category": "SA1", "make": "Glock", "model": "19", "serial": "FINAL-003", "country": "AT", "site_id": site},
        registrar).json["id"], "reason": "sold", "document": "EL-2026-9"}, **adm).json["id"]
    tap.eq(srv.post(f"/api/v1/export-proposals/{p3}/confirm", {}, robot).status, 403,
           "an admin's own token does not confirm the admin's proposal: 403")
    # accounts the proposer made do not confirm either (rule of independence)
    resp = srv.post("/api/v1/users", {"name": "sock", "role": "registrar", "password": "a password adm chose"}, **adm)
    tap.eq(resp.status, 201, "the admin adds an account", repr(resp))
    resp = srv.post(f"/api/v1/export-proposals/{p3}/confirm", {}, **srv.session("sock", "a password adm chose"))
    tap.ok(resp.status == 403 and "independence" in resp.error().get("message", ""),
           "an account the proposer made does not confirm: 403", repr(resp))
    reg.user("chief", "registrar", "a long chief password")
    chief = srv.session("chief", "a long chief password")
    resp = srv.post(f"/api/v1/export-proposals/{p}/confirm", {}, **chief)
    tap.ok(resp.status == 200 and resp.json["state"] == "confirmed" and resp.json["decided_by"] == "user:chief"
           and resp.json["proposed_by"] == "token:field", "another person confirms it", repr(resp))
    tap.eq(srv.get(f"/api/v1/items/{item}", viewer).json["status"], "exported", "only then is the weapon exported")
    tap.eq(srv.post(f"/api/v1/export-proposals/{p}/confirm", {}, registrar).status, 409, "confirming twice: 409")
    resp = srv.post(f"/api/v1/export-proposals/{p2}/withdraw", {"reason": "licence refused"}, armourer)
    tap.eq((resp.status, resp.json and resp.json["state"]), (200, "withdrawn"), "a proposal is withdrawn", repr(resp))
    tap.eq(srv.post(f"/api/v1/export-proposals/{p2}/confirm", {}, reg_token).status, 409,
           "a withdrawn proposal cannot be confirmed")


def check_accounts_taken_over(tap, reg, srv, armourer):
    """Accounts an admin reset or made are the admin's hand: a password the
    user then sets for themselves does not wash it away, two accounts one
    admin made are not two people, and a token does not add tokens."""
    reg.user("boss", "admin", "a long boss password")
    boss = srv.session("boss", "a long boss password")
    robot = srv.post("/api/v1/tokens", {"name": "boss-robot", "role": "admin"}, **boss)
    tap.eq(robot.status, 201, "an admin adds a token in their session", repr(robot))
    resp = srv.post("/api/v1/tokens", {"name": "robot-child", "role": "admin"}, robot.json["secret"])
    tap.ok(resp.status == 403 and resp.error().get("field") == "token"
           and "a token does not add tokens" in resp.error().get("message", ""),
           "a token's request to add a token: 403 naming token", repr(resp))
    tap.ok(all(t["name"] != "robot-child" for t in srv.get("/api/v1/tokens", **boss).json), "... and none was added")

    # the admin takes over two verifiers the owner made
    ids = {n: reg.user(n, "armourer", f"the owner's password for {n}") for n in ("ver1", "ver2")}
    for n in ids:
        resp = srv.request("PUT", f"/api/v1/users/{ids[n]}/password", {"password": f"boss knows {n}'s password"},
                           **boss)
        tap.eq(resp.status, 204, f"the admin resets {n}'s password", repr(resp))
        resp = srv.request("PUT", "/api/v1/session/password", {"current": f"boss knows {n}'s password",
                           "password": f"an own password for {n}"}, **srv.session(n, f"boss knows {n}'s password"))
        tap.eq(resp.status, 204, f"... signs in as {n} and sets an 'own' password", repr(resp))
    item = reg.wam("item", "add", "--category", "SA1", "--make", "Glock", "--model", "17", "--serial",
                   "TAKEN-1", "--country", "AT")["id"]
    b = srv.post("/api/v1/destructions", {"method": "cut", "site": "yard", "date": "2026-11-21"}, **boss).json["id"]
    srv.post(f"/api/v1/destructions/{b}/items", {"item_id": item}, **boss)
    for n in ids:
        srv.post(f"/api/v1/destructions/{b}/people", {"role": "verifier", "name": n}, **boss)
    tap.eq(srv.post(f"/api/v1/destructions/{b}/verify", {"serials": ["TAKEN-1"]}, **boss).status, 200,
           "the admin lists the weapon, names ver1 and ver2, reads the serial")
    for n in ids:
        resp = srv.post(f"/api/v1/destructions/{b}/confirm", {}, **srv.session(n, f"an own password for {n}"))
        tap.ok(resp.status == 403 and "rule of independence: user:boss" in resp.error().get("message", ""),
               f"{n}, whose password the opener once set, does not confirm: 403", repr(resp))
    got = srv.get(f"/api/v1/destructions/{b}", **boss).json["verifier_states"]
    owner = "os:" + pwd.getpwuid(os.getuid()).pw_name
    tap.eq([v["comes_from"] for v in got], [[owner, "user:boss", f"user:{n}"] for n in ids],
           "verifier_states list everyone who made each account or ever set its password")
    tap.eq(srv.post(f"/api/v1/destructions/{b}/close", {"certificate": "DC-TAKEN"}, **boss).status, 409,
           "the batch does not close")
    tap.eq(srv.get(f"/api/v1/items/{item}", **boss).json["status"], "in_store", "... and the weapon is unchanged")

    # two accounts one admin made, though someone else opens and closes
    for n in ("s1", "s2"):
        tap.eq(srv.post("/api/v1/users", {"name": n, "role": "armourer", "password": f"a long password for {n}"},
                        **boss).status, 201, f"the admin makes {n}")
    item = reg.wam("item", "add", "--category", "SA1", "--make", "Glock", "--model", "17", "--serial",
                   "TWIN-1", "--country", "AT")["id"]
    b = srv.post("/api/v1/destructions", {"method": "cut", "site": "yard", "date": "2026-11-21"}, armourer).json["id"]
    srv.post(f"/api/v1/destructions/{b}/items", {"item_id": item}, armourer)
    for n in ("s1", "s2"):
        srv.post(f"/api/v1/destructions/{b}/people", {"role": "verifier", "name": n}, armourer)
    srv.post(f"/api/v1/destructions/{b}/verify", {"serials": ["TWIN-1"]}, armourer)
    resp = srv.post(f"/api/v1/destructions/{b}/confirm", {}, **srv.session("s1", "a long password for s1"))
    tap.eq(resp.status, 200, "s1 confirms", repr(resp))
    resp = srv.post(f"/api/v1/destructions/{b}/confirm", {}, **srv.session("s2", "a long password for s2"))
    tap.ok(resp.status == 403 and "both come from user:boss" in resp.error().get("message", ""),
           "s2, made by the same admin as s1, does not confirm: 403", repr(resp))
    tap.eq(srv.post(f"/api/v1/destructions/{b}/close", {"certificate": "DC-TWIN"}, armourer).status, 409,
           "the batch does not close on one hand's two accounts")


if __name__ == "__main__":
    sys.exit(main(test))
