#!/usr/bin/env python3
"""e2e-http-trace: tracing over the API as the people who do it, each signed
in with a session (cookie and CSRF token).

A registrar reports a site A weapon stolen; a recovery weeks later records
it with two characters of its serial misread (1 read as I, 8 as B), and the
hit is in the inbox of site A's armourer — with both weapons side by side —
and not in site B's. A viewer may not decide it; the tracer confirms it and
the weapon takes the recovery's status. The tracer drafts a trace request:
the quality of the unsaved draft names what is missing, sending is refused
naming the missing field and records nothing, the completed request is sent,
acknowledged and answered confidentially — withheld from the registrar, in
full for the tracer with a record.read event. The request is exported as a
signed document and imported into a second registry that trusts the first
one's key; an altered copy is refused naming the signature, and the answer
travels back the same way; then registry B's admin revokes the first one's
key, and its documents and that key are refused from then on. A request
about an ammunition lot is refused while it names neither headstamp nor lot
(R10 for ammunition), sent, imported by registry B and answered, the lot
unchanged both ways. Finally the SDG 16.4.2 report for the year, as
JSON and CSV, and the records behind a figure, with its input checks; both
registries verify."""
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import Registry, Server, error_shape, main, q  # noqa: E402

YEAR = 2026
SERIAL = "GLK4471038"
MISREAD = "GLK447I03B"  # two characters misread: 1 -> I, 8 -> B


class User:
    """A person signed in to a server: every request carries the session
    cookie, and every change the CSRF token, as the console sends them."""

    def __init__(self, tap, srv, name, password):
        self.srv, self.name = srv, name
        resp = srv.post("/api/v1/session", {"name": name, "password": password})
        self.cookie = None
        for v in resp.header_all("Set-Cookie"):
            if v.startswith("wam_session="):
                self.cookie = v.split(";")[0][len("wam_session="):]
        tap.ok(resp.status == 201 and self.cookie, f"{name} signs in", repr(resp))
        self.csrf = (resp.json or {}).get("csrf")

    def request(self, method, path, body=None, **kw):
        csrf = None if method == "GET" else self.csrf
        return self.srv.request(method, path, body=body, cookie=self.cookie, csrf=csrf, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body, **kw):
        return self.request("PATCH", path, body, **kw)


def refused(tap, resp, status, desc, field=None):
    """`resp` is an error of `status` in the one error shape (naming `field`)."""
    bad = error_shape(resp)
    ok = resp.status == status and not bad and (field is None or resp.error().get("field") == field)
    return tap.ok(ok, desc, repr(resp), bad or "")


def test(tap):
    # ---- registry A (Haiti): two sites, a weapon at site A, the people ----
    reg = Registry()
    reg.run("init", "--country", "HT")
    site_a = reg.wam("site", "add", "Site A", "--kind", "depot")["id"]
    site_b = reg.wam("site", "add", "Site B", "--kind", "armoury")["id"]
    holder = reg.wam("holder", "add", "Armurerie du Nord", "--type", "dealer", "--country", "HT", "--licence",
                     "HT-ARM-2021-118", "--address", "4 rue Geffrard, Cap-Haïtien")["id"]
    weapon = reg.wam("item", "add", "--category", "SA1", "--make", "Glock", "--model", "17", "--calibre", "9x19mm",
                     "--serial", SERIAL, "--country", "AT", "--site", site_a, "--holder", holder)["id"]
    people = {"tracer": ("tracer", ()), "registrar": ("registrar", ()), "viewer": ("viewer", ()),
              "armourer-a": ("armourer", (site_a,)), "armourer-b": ("armourer", (site_b,))}
    for name, (role, sites) in people.items():
        reg.user(name, role, f"{name}'s long password", sites)
    auditor = reg.token("audit", "auditor")[0]
    srv = Server(reg)
    u = {name: User(tap, srv, name, f"{name}'s long password") for name in people}
    tracer, registrar, viewer = u["tracer"], u["registrar"], u["viewer"]

    def events(s=srv, tok=auditor):
        return s.get("/api/v1/verify", tok).json["events"]

    def reads_of(subject, s=srv, tok=auditor):
        got = s.get("/api/v1/events" + q(subject=subject, limit=1000), tok).json["events"]
        return [e for e in got if e["type"] == "record.read"]

    # ---- a loss, a recovery with a misread serial, the hit ----
    loss = {"kind": "stolen", "date": f"{YEAR}-01-10", "place": "Armoury of Site A",
            "circumstances": "the rack was found open at the morning check", "reported_by": "Sgt. Paul",
            "police_ref": "PNH-2026-0042", "item_id": weapon}
    refused(tap, viewer.post("/api/v1/losses", loss), 403, "a viewer may not report a loss")
    resp = registrar.post("/api/v1/losses", loss)
    tap.eq(resp.status, 201, "POST /losses as registrar: 201", repr(resp))
    tap.ok(resp.json and resp.json["item_id"] == weapon and resp.json["open"] is True, "the report is open",
           repr(resp))
    tap.eq(registrar.get(f"/api/v1/items/{weapon}").json["status"], "stolen", "the weapon is now stolen")
    got = viewer.get("/api/v1/losses" + q(open="true"))
    tap.ok(got.status == 200 and [x["item_id"] for x in got.json] == [weapon] and got.json[0]["serial"] == SERIAL,
           "GET /losses?open=true lists it with its serial", repr(got))
    resp = tracer.get("/api/v1/losses/export")
    tap.ok(resp.status == 200 and (resp.header("Content-Type") or "").startswith("text/csv")
           and SERIAL in resp.body.decode() and "attachment" in (resp.header("Content-Disposition") or ""),
           "GET /losses/export: the lost/stolen CSV as a download, with the serial", repr(resp))
    refused(tap, viewer.get("/api/v1/losses/export"), 403, "a viewer may not export the list")

    resp = registrar.post("/api/v1/recoveries", {
        "type": "seized", "date": f"{YEAR}-03-14", "place": "Malpasse border post", "context": "border_interdiction",
        "officer": "Agent Pierre",
        "weapons": [{"category": "SA1", "make": "Glock", "model": "17", "calibre": "9x19mm", "serial": MISREAD,
                     "country": "AT"}]})
    tap.eq(resp.status, 201, "a recovery with the serial misread in two characters: 201", repr(resp))
    recovered = resp.json["items"][0]["id"]

    inbox = u["armourer-a"].get("/api/v1/hits" + q(state="open"))
    hits = inbox.json if inbox.status == 200 else []
    tap.ok(len(hits) == 1 and hits[0]["recovered"]["serial"] == MISREAD and hits[0]["registered"]["id"] == weapon
           and hits[0]["owner_site_id"] == site_a and hits[0]["score"] >= 65,
           "the hit is in site A's armourer's inbox: the recovered and the registered weapon", repr(inbox))
    if not hits:
        return
    hit = hits[0]["id"]
    tap.eq(u["armourer-b"].get("/api/v1/hits" + q(state="open")).json, [], "... and not in site B's")
    refused(tap, u["armourer-b"].get(f"/api/v1/hits/{hit}"), 404, "site B's armourer gets 404 for it by id")
    resp = u["armourer-a"].get(f"/api/v1/hits/{hit}")
    tap.ok(resp.status == 200 and resp.json["recovered"]["id"] == recovered and resp.json["registered"]["id"] == weapon
           and resp.json["registered"]["serial"] == SERIAL, "GET /hits/{id}: both weapons side by side", repr(resp))
    tap.ok(resp.status == 200 and resp.json["registered"].get("holder") == {
        "id": holder, "name": "Armurerie du Nord", "type": "dealer"} and "HT-ARM" not in resp.body.decode()
           and "Geffrard" not in resp.body.decode(), "... the registered weapon's holder by name and type, not by "
           "licence or address", repr(resp))
    refused(tap, u["armourer-a"].get("/api/v1/hits" + q(state="maybe")), 422, "an unknown hit state: 422", "state")

    decision = {"decision": "confirm", "reason": "frame and slide markings match the registry photo"}
    before = events()
    refused(tap, viewer.post(f"/api/v1/hits/{hit}/decision", decision), 403, "a viewer may not decide a hit")
    refused(tap, u["armourer-b"].post(f"/api/v1/hits/{hit}/decision", decision), 403,
            "nor an armourer (no trace action)")
    tap.eq(events(), before, "the refusals recorded nothing")
    resp = tracer.post(f"/api/v1/hits/{hit}/decision", decision)
    tap.ok(resp.status == 200 and resp.json["state"] == "confirmed"
           and resp.json["registered"].get("holder", {}).get("name") == "Armurerie du Nord",
           "the tracer confirms the hit (the answer names the holder too)", repr(resp))
    tap.ok(events() > before, "the decision is recorded")
    tap.eq(registrar.get(f"/api/v1/items/{weapon}").json["status"], "seized",
           "the stolen weapon takes the recovery's status")
    refused(tap, tracer.post(f"/api/v1/hits/{hit}/decision", decision), 409, "a decided hit cannot be decided again")
    tap.eq(u["armourer-a"].get("/api/v1/hits" + q(state="open")).json, [], "the inbox is empty")
    tap.eq(viewer.get("/api/v1/losses" + q(open="true")).json, [], "and the loss is no longer open")

    # ---- a trace request: quality, the send gate, the states ----
    draft = {"reference": "PNH-TR-2026-007", "item_id": recovered,
             "requesting": {"state": "HT", "agency": "PNH", "contact": {"name": "Insp. Joseph",
                                                                        "email": "joseph@pnh.example"}},
             "requested": {"state": "AT", "agency": "BMI", "via": "national_contact_point"},
             "illicit_reason": "illicit_national_law",
             "justification": "possession without a licence (Haitian law of 2023 on firearms, art. 12)",
             "recovery": {"date": f"{YEAR}-03-14", "place": "Malpasse border post",
                          "circumstances": "found in a lorry's spare wheel"},
             "confidentiality": "restricted", "urgency": "urgent"}
    refused(tap, viewer.post("/api/v1/traces/quality", draft), 403, "a viewer may not draft")
    resp = tracer.post("/api/v1/traces/quality", {k: v for k, v in draft.items() if k != "item_id"})
    missing = [m["field"] for m in (resp.json or {}).get("missing", [])]
    tap.ok(resp.status == 200 and resp.json["sendable"] is False and "intended_use" in missing
           and "item.serial" in missing and "item.calibre" in missing,
           "POST /traces/quality of an unsaved draft without a weapon names the missing fields", repr(resp))
    n = events()
    tap.eq(events(), n, "scoring an unsaved draft records nothing")
    resp = tracer.post("/api/v1/traces", draft)
    tap.eq(resp.status, 201, "POST /traces: a draft", repr(resp))
    t = resp.json["id"]
    tap.eq(resp.header("Location"), f"/api/v1/traces/{t}", "... with its Location")
    tap.ok(resp.json["state"] == "draft" and resp.json["item"]["serial"] == MISREAD and resp.json["direction"] ==
           "outgoing", "the weapon's details are taken from the registry", repr(resp))
    resp = tracer.get(f"/api/v1/traces/{t}/quality")
    tap.ok(resp.status == 200 and [m["field"] for m in resp.json["missing"]] == ["intended_use"],
           "GET /traces/{id}/quality: only intended_use is missing", repr(resp))
    before = events()
    resp = tracer.post(f"/api/v1/traces/{t}/send", {})
    refused(tap, resp, 422, "sending it is refused naming intended_use", "intended_use")
    tap.eq(events(), before, "... and nothing is recorded")
    tap.eq(tracer.get(f"/api/v1/traces/{t}").json["state"], "draft", "... the request is still a draft")
    resp = tracer.patch(f"/api/v1/traces/{t}", {"intended_use": "criminal investigation of the trafficking route"})
    tap.ok(resp.status == 200 and resp.json["intended_use"].startswith("criminal"), "PATCH /traces/{id}: 200",
           repr(resp))
    resp = tracer.post(f"/api/v1/traces/{t}/send", {"date": f"{YEAR}-03-20"})
    tap.ok(resp.status == 200 and resp.json["state"] == "sent" and resp.json["ack_due"] and resp.json["reply_due"],
           "the complete request is sent, with its due dates", repr(resp))
    refused(tap, tracer.patch(f"/api/v1/traces/{t}", {"notes": "late"}), 409, "a sent request no longer changes")
    resp = tracer.post(f"/api/v1/traces/{t}/acknowledge", {"date": f"{YEAR}-03-25"})
    tap.ok(resp.status == 200 and resp.json["state"] == "acknowledged", "acknowledged", repr(resp))
    listed = tracer.get("/api/v1/traces" + q(direction="outgoing", state="acknowledged"))
    tap.ok(listed.status == 200 and [x["id"] for x in listed.json] == [t], "GET /traces filters by direction and state",
           repr(listed))
    refused(tap, registrar.get("/api/v1/traces" + q(overdue="perhaps")), 400, "overdue must be true or false",
            "overdue")

    # ---- parties beyond states: a Panel of Experts asks a manufacturer ----
    panel = {k: v for k, v in draft.items() if k not in ("requesting", "requested", "reference")}
    panel.update({"reference": "POE-2026-011", "intended_use": "report of the Panel to the Committee",
                  "requesting": {"kind": "panel", "contact": {"name": "Arms expert"}},
                  "requested": {"kind": "manufacturer", "name": "Glock", "state": "AT"}})
    resp = tracer.post("/api/v1/traces/quality", panel)
    tap.ok(resp.status == 200 and [m["field"] for m in resp.json["missing"]] == ["requesting.name"],
           "POST /traces/quality: a Panel without its name misses requesting.name, and no state", repr(resp))
    before = events()
    refused(tap, tracer.post("/api/v1/traces", dict(panel, requested={"kind": "company", "name": "Glock"})), 422,
            "a party kind outside state, panel, mission and manufacturer is refused", "requested.kind")
    tap.eq(events(), before, "... and nothing is recorded")
    panel["requesting"]["name"] = "Panel of Experts on Haiti"
    resp = tracer.post("/api/v1/traces", panel)
    tap.ok(resp.status == 201 and resp.json["requesting"] == {"kind": "panel", "name": "Panel of Experts on Haiti",
                                                             "contact": {"name": "Arms expert"}}
           and resp.json["quality"]["sendable"] is True,
           "POST /traces: the Panel's request is sendable with the names of both parties", repr(resp))
    pt = resp.json["id"] if resp.status == 201 else None
    listed = tracer.get("/api/v1/traces" + q(direction="outgoing", state="draft"))
    row = next((x for x in (listed.json or []) if x["id"] == pt), {})
    tap.ok(row.get("requesting_kind") == "panel" and row.get("requesting_label") == "Panel of Experts on Haiti"
           and row.get("requested_kind") == "manufacturer" and row.get("requested_label") == "Glock (AT)"
           and row.get("requested_state") == "AT",
           "GET /traces labels each party", repr(row))
    resp = tracer.patch(f"/api/v1/traces/{pt}", {"requested": {"kind": "mission", "name": None, "state": "HT"}})
    tap.ok(resp.status == 200 and [m["field"] for m in resp.json["quality"]["missing"]] == ["requested.name"],
           "PATCH: a mission asked without its name misses requested.name", repr(resp))
    resp = tracer.patch(f"/api/v1/traces/{pt}", {"requested": {"kind": "state", "state": "AT"}})
    tap.ok(resp.status == 200 and resp.json["requested"] == {"state": "AT"},
           "PATCH: asked of a state again, the party is written without its kind", repr(resp))

    # ---- a confidential response: withheld, or in full and logged (R11) ----
    response = {"result": "record_found", "date": f"{YEAR}-04-02", "confidentiality": "confidential",
                "chain": [{"date": "2019-05-02", "from": "GLOCK GmbH", "consignee": "Caribbean Arms Ltd",
                           "country": "US", "licence": "AT-EX-2019-118", "euc": "EUC-2019-0455"}],
                "last_holder": {"name": "Caribbean Arms Ltd", "type": "dealer", "country": "US",
                                "date": "2019-06-01"},
                "point_of_diversion": {"category": "transfer_export", "country": "US",
                                       "description": "sold on by the dealer without a licence"}}
    resp = tracer.post(f"/api/v1/traces/{t}/responses", response)
    tap.ok(resp.status == 201 and resp.json["state"] == "answered", "the response is recorded: answered", repr(resp))
    before = len(reads_of(t))
    resp = registrar.get(f"/api/v1/traces/{t}")
    shown = resp.json["responses"][0] if resp.status == 200 and resp.json.get("responses") else {}
    tap.ok(shown.get("withheld") is True and shown.get("result") == "record_found" and "last_holder" not in shown
           and "Caribbean" not in resp.body.decode(), "as registrar: the response is withheld", repr(resp))
    tap.eq(len(reads_of(t)), before, "... and no read is logged")
    resp = tracer.get(f"/api/v1/traces/{t}")
    shown = resp.json["responses"][0] if resp.status == 200 and resp.json.get("responses") else {}
    tap.ok(not shown.get("withheld") and shown.get("last_holder", {}).get("name") == "Caribbean Arms Ltd"
           and shown.get("chain", [{}])[0].get("euc") == "EUC-2019-0455", "as tracer: the response in full",
           repr(resp))
    reads = reads_of(t)
    tap.ok(len(reads) == before + 1 and "responses[0]" in json.dumps(reads[-1]["payload"])
           and "tracer" in json.dumps(reads[-1]),
           "... and a record.read event names the request, the response and the reader", f"reads: {reads}")

    # ---- the raw events carry the response too: the same rule (R11) ----
    admin = reg.token("admin-events", "admin")[0]

    def responses_in(resp):
        return [e["payload"]["response"] for e in (resp.json or {}).get("events", [])
                if e["type"] in ("trace.responded", "trace.response_received")]

    def event_reads(subject):
        """The reads of `subject` recorded by GET /events (as the auditor
        sees them: its own reading of the events logs none)."""
        return [e for e in reads_of(subject) if e["payload"]["via"].startswith("GET /api/v1/events")]

    resp = srv.get("/api/v1/events" + q(subject=t, limit=1000), auditor)
    tap.ok(resp.status == 200 and responses_in(resp) == [{"result": "record_found", "date": f"{YEAR}-04-02",
                                                          "confidentiality": "confidential", "withheld": True}]
           and "Caribbean" not in resp.body.decode(), "GET /events?subject= as auditor: the response withheld",
           repr(resp))
    resp = srv.get("/api/v1/events" + q(limit=1000), auditor)
    tap.ok(resp.status == 200 and len(responses_in(resp)) == 1 and "Caribbean" not in resp.body.decode(),
           "... and in the whole ledger", repr(resp))
    tap.eq(event_reads(t), [], "... and no read of it is logged")
    resp = srv.get("/api/v1/events" + q(subject=t, limit=1000), admin)
    shown = responses_in(resp)
    reads = event_reads(t)
    tap.ok(len(shown) == 1 and shown[0].get("last_holder", {}).get("name") == "Caribbean Arms Ltd"
           and [e["payload"]["fields"] for e in reads] == [["responses[0]"]],
           "as admin (trace_confidential): in full, and a record.read names the request and responses[0]",
           repr(resp), f"reads: {reads}")

    # ---- exchange: export, import into a second registry ----
    other = Registry()
    other.run("init", "--country", "AT")
    other.user("tracer-at", "tracer", "tracer-at's long password")
    other.user("admin-at", "admin", "admin-at's long password")
    auditor_b = other.token("audit", "auditor")[0]
    srv_b = Server(other, name="registry-b")
    tracer_b = User(tap, srv_b, "tracer-at", "tracer-at's long password")
    admin_b = User(tap, srv_b, "admin-at", "admin-at's long password")

    x = tracer.post("/api/v1/traces", dict(draft, reference="PNH-TR-2026-008",
                                           intended_use="criminal investigation")).json["id"]
    tracer.post(f"/api/v1/traces/{x}/send", {})
    resp = tracer.get(f"/api/v1/traces/{x}/export")
    tap.ok(resp.status == 200 and (resp.header("Content-Disposition") or "").startswith("attachment")
           and isinstance(resp.json, dict) and resp.json.get("signature"),
           "GET /traces/{id}/export: the signed document as a download", repr(resp))
    document = resp.json
    before = events(srv_b, auditor_b)
    resp = tracer_b.post("/api/v1/traces/import", document)
    refused(tap, resp, 403, "registry B refuses a document from a registry it does not trust: 403 naming node",
            "node")
    node = tracer.get("/api/v1/node").json
    tap.ok(node and node["public_key"] and node["node_id"], "GET /node: registry A's identity", repr(node))
    peer = {"name": "Haiti national registry", "country": node["country"], "node_id": node["node_id"],
            "public_key": node["public_key"]}
    refused(tap, tracer_b.post("/api/v1/peers", peer), 403, "a tracer may not trust a key (admin only)")
    resp = admin_b.post("/api/v1/peers", peer)
    tap.eq(resp.status, 201, "registry B's admin trusts registry A's key", repr(resp))
    tap.ok(any(p["node_id"] == node["node_id"] for p in tracer_b.get("/api/v1/peers").json), "GET /peers lists it")
    tap.eq(events(srv_b, auditor_b), before + 1, "the refused import recorded nothing (one event: the peer)")

    text = json.dumps(document)
    tap.ok("PNH-TR-2026-008" in text, "the document carries the request's reference")
    text = text.replace("PNH-TR-2026-008", "PNH-TR-2026-009")
    before = events(srv_b, auditor_b)
    resp = tracer_b.post("/api/v1/traces/import", text)
    refused(tap, resp, 422, "an altered document is refused naming signature", "signature")
    tap.eq(events(srv_b, auditor_b), before, "... and records nothing")
    resp = tracer_b.post("/api/v1/traces/import", document)
    tap.ok(resp.status == 201 and resp.json["direction"] == "incoming" and resp.json["reference"] == "PNH-TR-2026-008"
           and resp.json["item"]["serial"] == MISREAD and resp.json["remote"]["node_id"] == node["node_id"],
           "registry B imports the document: an incoming request", repr(resp))
    incoming = resp.json["id"] if resp.status == 201 else None
    tap.eq(resp.header("Location"), f"/api/v1/traces/{incoming}", "... with its Location")
    refused(tap, tracer_b.post("/api/v1/traces/import", document), 409, "importing it again: 409")
    listed = tracer_b.get("/api/v1/traces" + q(direction="incoming")).json
    tap.eq([r["id"] for r in listed], [incoming], "GET /traces?direction=incoming on registry B lists it")

    # the answer travels back
    if incoming:
        tracer_b.post(f"/api/v1/traces/{incoming}/acknowledge", {})
        resp = tracer_b.post(f"/api/v1/traces/{incoming}/responses", {
            "result": "no_record", "confidentiality": "restricted", "notes": "no export licence under that serial"})
        tap.eq(resp.status, 201, "registry B answers, restricted: no record", repr(resp))
        registrar_b = other.token("registrar-at", "registrar")[0]
        refused(tap, srv_b.get(f"/api/v1/traces/{incoming}/export", registrar_b), 403,
                "a registrar may not export a restricted answer (R11)")
        before = len(reads_of(incoming, srv_b, auditor_b))
        answer = tracer_b.get(f"/api/v1/traces/{incoming}/export")
        tap.eq(answer.status, 200, "registry B's tracer exports the answer", repr(answer))
        tap.eq(len(reads_of(incoming, srv_b, auditor_b)), before + 1, "... and the read is logged")
        node_b = tracer_b.get("/api/v1/node").json
        # a registry made without a name is known by its country and node id
        resp = srv.post("/api/v1/peers", {"name": None, "country": node_b["country"],
                                          "node_id": node_b["node_id"], "public_key": node_b["public_key"]},
                        reg.token("admin-a", "admin")[0])
        tap.ok(resp.status == 201 and resp.json["name"] == f"{node_b['country']} {node_b['node_id']}",
               "registry A trusts registry B's key, given no name: known by its country and node id", repr(resp))
        # a delay first: the answer received is then the second response
        resp = tracer.post(f"/api/v1/traces/{x}/responses", {
            "result": "delayed", "confidentiality": "restricted",
            "restriction_reason": "the export archive of 2019 is being searched"})
        tap.eq(resp.status, 201, "registry A records a delayed response, restricted", repr(resp))
        resp = tracer.post("/api/v1/traces/import", answer.json)
        tap.ok(resp.status == 201 and resp.json["id"] == x and resp.json["state"] == "answered"
               and resp.json["responses"][-1]["result"] == "no_record",
               "registry A imports the answer against its request", repr(resp))
        resp = srv.get("/api/v1/events" + q(subject=x, limit=1000), auditor)
        tap.ok(resp.status == 200 and [(r["result"], r.get("withheld")) for r in responses_in(resp)] ==
               [("delayed", True), ("no_record", True)] and "archive" not in resp.body.decode()
               and "licence under" not in resp.body.decode(),
               "GET /events as auditor: the delay and the answer received are withheld", repr(resp))
        got = srv.get("/api/v1/events" + q(subject=x, limit=1000), auditor).json["events"]
        received = [e["seq"] for e in got if e["type"] == "trace.response_received"]
        resp = srv.get("/api/v1/events" + q(after=received[0] - 1, limit=1), admin)
        shown = responses_in(resp)
        reads = event_reads(x)
        tap.ok(len(shown) == 1 and shown[0].get("notes") == "no export licence under that serial"
               and [e["payload"]["fields"] for e in reads] == [["responses[1]"]],
               "as admin, a page with only the answer received: in full, its read names responses[1]",
               repr(resp), f"reads: {reads}")
        resp = srv.get("/api/v1/events" + q(subject=x, limit=1000), admin)
        reads = event_reads(x)
        tap.ok(len(responses_in(resp)) == 2 and "archive" in resp.body.decode()
               and [e["payload"]["fields"] for e in reads][-1:] == [["responses[0]", "responses[1]"]],
               "... all of the request's events: both in full, one record.read naming both", repr(resp),
               f"reads: {reads}")

    # ---- a request about an ammunition lot, across the two registries ----
    lot_draft = {k: v for k, v in draft.items() if k != "item_id"}
    lot_draft.update(reference="PNH-TR-2026-AM1", intended_use="criminal investigation of the cache",
                     item={"kind": "ammunition", "calibre": "7.62x39mm", "type": "ball",
                           "packaging_marks": "7.62x39 20 PCS", "quantity": 1200})
    resp = tracer.post("/api/v1/traces/quality", lot_draft)
    tap.ok(resp.status == 200 and [(m["field"], m.get("rule")) for m in resp.json["missing"]]
           == [("item.headstamp", "R10")],
           "POST /traces/quality of a lot: only the headstamp or lot is missing (R10 for ammunition)", repr(resp))
    refused(tap, tracer.post("/api/v1/traces", dict(lot_draft, item=dict(lot_draft["item"], kind="grenade"))), 422,
            "an item of another kind: 422 naming item.kind", "item.kind")
    refused(tap, tracer.post("/api/v1/traces", dict(lot_draft, item=dict(lot_draft["item"], quantity=0))), 422,
            "a lot of no rounds: 422 naming item.quantity", "item.quantity")
    resp = tracer.post("/api/v1/traces", lot_draft)
    tap.ok(resp.status == 201 and resp.json["item"]["kind"] == "ammunition", "POST /traces: a lot's draft", repr(resp))
    lot = resp.json["id"] if resp.status == 201 else ""
    before = events()
    refused(tap, tracer.post(f"/api/v1/traces/{lot}/send", {}), 422, "sending it is refused naming item.headstamp",
            "item.headstamp")
    tap.eq(events(), before, "... and nothing is recorded")
    resp = tracer.patch(f"/api/v1/traces/{lot}", {"item": {"headstamp": {"text": "71 81", "factory": "71",
                                                                        "year": 1981}, "lot": "12-81-071"}})
    tap.ok(resp.status == 200 and resp.json["quality"]["sendable"] is True, "the headstamp and lot added: sendable",
           repr(resp))
    item = resp.json["item"] if resp.status == 200 else {}
    resp = tracer.post(f"/api/v1/traces/{lot}/send", {})
    tap.eq(resp.status, 200, "the lot's request is sent", repr(resp))
    doc = tracer.get(f"/api/v1/traces/{lot}/export").json or {}
    tap.eq(doc.get("request", {}).get("item"), item, "the signed document carries the lot unchanged")
    resp = tracer_b.post("/api/v1/traces/import", doc)
    tap.ok(resp.status == 201 and resp.json["item"] == item and "candidates" not in resp.json,
           "registry B imports it: the lot as sent, no weapon candidates", repr(resp))
    lot_b = resp.json["id"] if resp.status == 201 else ""
    rows = [r for r in (tracer_b.get("/api/v1/traces").json or []) if r["id"] == lot_b]
    tap.eq([(r["item_kind"], r["calibre"], r["headstamp"], r["lot"], r["what"]) for r in rows],
           [("ammunition", "7.62x39mm", "71 81", "12-81-071", "7.62x39mm / 71 81 / 12-81-071")],
           "GET /traces: the incoming request is listed as ammunition, by its calibre, headstamp and lot")
    resp = tracer.post("/api/v1/traces", dict(lot_draft, item={"kind": "part", "make": "Polymer80", "serial": "PF-1",
                                                               "category": "SA2", "calibre": "9x19mm"}))
    tap.ok(resp.status == 201 and resp.json["item"].get("kind") == "part" and resp.json["item"]["serial"] == "PF-1",
           "POST /traces: an item of kind part is traced as a weapon, its kind kept", repr(resp))
    resp = tracer.post("/api/v1/traces", dict(lot_draft, item={"kind": "weapon", "make": "Glock", "serial": "G-1"}))
    tap.ok(resp.status == 201 and "kind" not in resp.json["item"] and resp.json["item"]["make"] == "Glock",
           "POST /traces: an item of kind weapon is the weapon item", repr(resp))
    rows = {r["what"]: r["item_kind"] for r in (tracer.get("/api/v1/traces").json or [])}
    tap.eq((rows.get("PF-1"), rows.get("G-1")), ("part", "weapon"), "GET /traces: each listed with its kind")
    resp = tracer_b.post(f"/api/v1/traces/{lot_b}/responses", {
        "result": "record_found", "confidentiality": "unclassified",
        "chain": [{"date": "1982-02-01", "from": "Factory 71", "consignee": "Forces armées d'Haïti", "country": "HT"}]})
    tap.eq(resp.status, 201, "registry B answers it", repr(resp))
    answer = tracer_b.get(f"/api/v1/traces/{lot_b}/export")
    resp = tracer.post("/api/v1/traces/import", answer.json)
    tap.ok(resp.status == 201 and resp.json["id"] == lot and resp.json["state"] == "answered"
           and resp.json["responses"][-1]["result"] == "record_found" and resp.json["item"] == item,
           "registry A imports the answer against its request about the lot", repr(resp))

    # ---- registry B stops trusting registry A's key ----
    revoke = f"/api/v1/peers/{node['node_id']}/revoke"
    before = events(srv_b, auditor_b)
    refused(tap, tracer_b.post(revoke, {"reason": "compromised"}), 403, "a tracer may not revoke a key (admin only)")
    refused(tap, admin_b.post(revoke, {}), 422, "a revocation without its reason: 422 naming reason", "reason")
    tap.eq(events(srv_b, auditor_b), before, "... and the refusals recorded nothing")
    resp = admin_b.post(revoke, {"reason": "key compromised: the signing laptop was stolen"})
    tap.ok(resp.status == 200 and resp.json["active"] is False and resp.json["revoked_at"]
           and resp.json["revoked_reason"] == "key compromised: the signing laptop was stolen",
           "registry B's admin revokes registry A's key", repr(resp))
    refused(tap, admin_b.post(revoke, {"reason": "again"}), 409, "revoking it again: 409")
    listed = [p for p in tracer_b.get("/api/v1/peers").json if p["node_id"] == node["node_id"]]
    tap.ok(len(listed) == 1 and listed[0]["active"] is False and listed[0]["revoked_reason"].startswith("key comp"),
           "GET /peers still lists it, revoked, with when and why", repr(listed))
    before = events(srv_b, auditor_b)
    resp = tracer_b.post("/api/v1/traces/import", document)
    refused(tap, resp, 403, "a document of the revoked peer is refused: 403 naming node", "node")
    tap.ok("revoked" in resp.error().get("message", "") and "laptop was stolen" in resp.error().get("message", ""),
           "... saying the key was revoked, and why", repr(resp))
    refused(tap, admin_b.post("/api/v1/peers", peer), 409, "the revoked key is not trusted again: 409 naming public_key",
            "public_key")
    tap.eq(events(srv_b, auditor_b), before, "... and nothing was recorded")
    if incoming:
        tap.eq(tracer_b.get(f"/api/v1/traces/{incoming}").status, 200, "the request imported before stays")

    # ---- SDG 16.4.2 ----
    resp = viewer.get("/api/v1/reports/sdg-16-4-2" + q(year=YEAR))
    rep = resp.json or {}
    counts = rep.get("counts", {})
    tap.ok(resp.status == 200 and counts.get("recovered") == 1 and counts.get("seized") == 1
           and counts.get("found") == 0 and counts.get("surrendered") == 0,
           "GET /reports/sdg-16-4-2: one weapon recovered, seized", repr(resp))
    tap.ok(rep.get("indicator", {}).get("denominator") == 1 and rep["indicator"].get("numerator") == 1
           and rep["indicator"].get("value") == 100, "its origin is traced: the indicator is 100",
           f"indicator: {rep.get('indicator')}")
    resp = viewer.get("/api/v1/reports/sdg-16-4-2" + q(year=YEAR, format="csv"))
    rows = resp.body.decode().replace('"', "").splitlines()
    tap.ok(resp.status == 200 and (resp.header("Content-Type") or "").startswith("text/csv")
           and rows[:1] == ["figure,value"] and any(row.split(",")[0].endswith("seized") and row.endswith(",1")
                                                     for row in rows),
           "format=csv: one figure,value row per number", repr(resp))
    resp = viewer.get("/api/v1/reports/sdg-16-4-2/records" + q(year=YEAR, figure="seized"))
    tap.ok(resp.status == 200 and [x["item_id"] for x in resp.json] == [recovered],
           "GET /reports/sdg-16-4-2/records?figure=seized: the weapon behind the figure", repr(resp))
    resp = viewer.get("/api/v1/reports/sdg-16-4-2/records" + q(year=YEAR, figure="numerator"))
    tap.ok(resp.status == 200 and [x["item_id"] for x in resp.json] == [recovered], "... and behind the numerator",
           repr(resp))
    resp = viewer.get("/api/v1/reports/sdg-16-4-2" + q(year=YEAR - 1))
    tap.eq((resp.json or {}).get("counts", {}).get("recovered"), 0, "another year counts nothing", repr(resp))
    for bad in ("1899", "2101", "twenty", ""):
        refused(tap, viewer.get("/api/v1/reports/sdg-16-4-2" + q(year=bad)), 400, f"year={bad!r}: 400 naming year",
                "year")
    refused(tap, viewer.get("/api/v1/reports/sdg-16-4-2"), 400, "no year: 400 naming year", "year")
    refused(tap, viewer.get("/api/v1/reports/sdg-16-4-2" + q(year=YEAR, format="xml")), 400,
            "format=xml: 400 naming format", "format")
    resp = viewer.get("/api/v1/reports/sdg-16-4-2/records" + q(year=YEAR, figure="guesses"))
    tap.ok(resp.status in (400, 422) and resp.error().get("field") == "figure" and not error_shape(resp),
           "an unknown figure: refused naming figure", repr(resp))
    refused(tap, viewer.get("/api/v1/reports/sdg-16-4-2/records" + q(year=YEAR)), 400, "no figure: 400", "figure")
    armourer_a = u["armourer-a"]
    refused(tap, armourer_a.get("/api/v1/reports/sdg-16-4-2" + q(year=YEAR)), 403,
            "a caller confined to sites must name one: 403 naming site", "site")
    refused(tap, armourer_a.get("/api/v1/reports/sdg-16-4-2" + q(year=YEAR, site=site_b)), 403,
            "... one of its own: 403 for another site", "site")
    resp = armourer_a.get("/api/v1/reports/sdg-16-4-2" + q(year=YEAR, site=site_a))
    tap.ok(resp.status == 200 and resp.json["site_id"] == site_a, "... and gets its own site's report", repr(resp))

    # ---- both registries verify ----
    for name, s, tok in (("A", srv, auditor), ("B", srv_b, auditor_b)):
        v = s.get("/api/v1/verify", tok).json
        tap.ok(v and v["intact"], f"registry {name} verifies", str(v))
    tap.eq(srv_b.stop(), 0, "registry B's server stops")
    tap.eq(srv.stop(), 0, "registry A's server stops")


if __name__ == "__main__":
    sys.exit(main(test))
