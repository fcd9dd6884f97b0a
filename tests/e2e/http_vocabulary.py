#!/usr/bin/env python3
"""e2e-http-vocabulary: GET /api/v1/vocabulary, what the console offers.

The roles and their actions, the status machine, the categories and the
other closed vocabularies come from the tables libwam enforces, so the
console keeps no copy. Any signed-in caller may ask, confined to sites or
not, and all get the same answer; no one else may. The role table is the
one docs/auth.md prints, and every action a route needs is one it names;
the status machine is the one docs/registry.md prints and the library
keeps to it (a status it does not list next is refused, one it lists is
taken); the categories are the registry's reference data, in its order.
Tracing's, the stock room's, the collection room's and the transfers
room's words are those their commands take: each served word is taken, one
outside is refused naming its field.
"""
import datetime
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import ROLES, Registry, Server, main, q  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("WAM_DATA_DIR") or os.path.join(HERE, "..", "..", "data")

# docs/auth.md
ACTIONS = {
    "viewer": ["read"],
    "registrar": ["read", "read_sensitive", "register", "status", "export", "resolve", "collect", "destroy",
                  "trace", "confirm_export", "ship"],
    "armourer": ["read", "read_sensitive", "status", "stock", "collect", "destroy"],
    "tracer": ["read", "trace", "trace_confidential"],
    "monitor": ["read", "trace", "monitor"],
    "source_handler": ["read", "trace", "monitor", "read_sources"],
    "licensing": ["read", "read_sensitive", "trace", "license", "license_decide", "ship", "embargo",
                  "submit_report"],
    "auditor": ["read", "read_sensitive", "export", "audit"],
    "admin": ["read", "read_sensitive", "register", "status", "export", "audit", "admin", "stock", "resolve",
              "collect", "destroy", "trace", "trace_confidential", "confirm_export", "license", "license_decide",
              "ship", "embargo", "monitor", "submit_report"],
}

# docs/registry.md
NEXT = {
    "in_service": ["in_store", "issued", "lost", "stolen", "deactivated", "exported"],
    "in_store": ["in_service", "issued", "lost", "stolen", "deactivated", "destroyed", "exported"],
    "issued": ["in_store", "in_service", "lost", "stolen"],
    "lost": ["found", "seized", "surrendered"],
    "stolen": ["seized", "found", "surrendered"],
    "seized": ["in_store", "in_service", "deactivated", "destroyed", "exported", "stolen", "lost"],
    "found": ["in_store", "in_service", "deactivated", "destroyed", "stolen", "lost"],
    "surrendered": ["in_store", "in_service", "deactivated", "destroyed", "stolen", "lost"],
    "deactivated": ["in_store", "destroyed", "exported", "lost", "stolen"],
    "destroyed": [],
    "exported": [],
}


def test(tap):
    reg = Registry()
    reg.demo(60)
    tokens = {role: reg.token(f"vocabulary-{role}", role)[0] for role in ROLES}
    reg.user("verifier", "armourer", "a long verifier password")  # a destruction's verifier is a user
    srv = Server(reg)
    admin = tokens["admin"]
    site = srv.get("/api/v1/sites", admin).json[0]["id"]
    confined = reg.token("vocabulary-confined", "viewer", [site])[0]

    resp = srv.get("/api/v1/vocabulary")
    tap.ok(resp.status == 401 and resp.json["error"]["code"] == "unauthenticated",
           "without a token or a session: 401", repr(resp))

    resp = srv.get("/api/v1/vocabulary", admin)
    tap.ok(resp.status == 200 and isinstance(resp.json, dict), "an admin gets the vocabulary", repr(resp))
    v = resp.json
    same = [role for role in ROLES if srv.get("/api/v1/vocabulary", tokens[role]).body == resp.body]
    tap.eq(same, list(ROLES), "every role gets the same answer")
    tap.eq(srv.get("/api/v1/vocabulary", confined).body, resp.body,
           "a caller confined to one site gets the same answer")

    tap.eq([r["role"] for r in v["roles"]], list(ROLES), "the roles, in the order the library lists them")
    tap.eq({r["role"]: r["actions"] for r in v["roles"]}, ACTIONS, "each role's actions are those of docs/auth.md")
    _, routes, _ = reg.run("serve", "--routes")
    needed = {r["action"] for r in routes} - {"public", "signed_in"}
    tap.ok(needed <= set(v["actions"]), "every action a route needs is a named action",
           f"not named: {sorted(needed - set(v['actions']))}")

    tap.eq(v["statuses"], list(NEXT), "the statuses, in their order")
    tap.eq(v["status_next"], NEXT, "which status may follow which: the machine of docs/registry.md")
    tap.eq(v["status_final_by_procedure"], ["destroyed", "exported"],
           "destroyed and exported only through a destruction or a confirmed export")
    tap.eq(v["status_needs_reason"], ["lost", "stolen", "deactivated", "destroyed", "exported"],
           "the changes that need a reason")
    tap.eq(v["status_needs_certificate"], ["deactivated", "destroyed"], "the changes that need a certificate")

    with open(os.path.join(DATA, "categories.json"), encoding="utf-8") as f:
        categories = json.load(f)["categories"]
    tap.eq([(c["code"], c["kind"]) for c in v["categories"]], [(c["code"], c["kind"]) for c in categories],
           "the categories are the registry's reference data, in its order")
    tap.eq(v["marking_statuses"], ["adequate", "inadequate", "partial", "obliterated", "altered", "unmarked"],
           "the marking statuses rules R1-R3 give")
    for key, some in (("components", "frame_receiver"), ("marking_kinds", "serial"), ("legibilities", "obliterated"),
                      ("scripts", "cyrillic"), ("site_kinds", "armoury"), ("holder_types", "police")):
        tap.ok(isinstance(v.get(key), list) and some in v[key] and len(set(v[key])) == len(v[key]),
               f"{key}: a list of distinct words with '{some}'", repr(v.get(key)))

    # the library keeps to the machine it shows: from in_store, a status it
    # does not list is refused, each it lists and a person gives by hand is
    # taken (a weapon each)
    held = [it["id"] for it in srv.get("/api/v1/items" + q(status="in_store", limit=100), admin).json["items"]]
    refused = [s for s in v["statuses"] if s != "in_store" and s not in v["status_next"]["in_store"]]
    by_hand = [s for s in v["status_next"]["in_store"] if s not in v["status_final_by_procedure"]
               and s not in v["status_needs_certificate"]]
    tap.ok(len(held) > len(by_hand) and refused and by_hand, "weapons in store to change, statuses to try",
           f"held {len(held)}, refused {refused}, by hand {by_hand}")
    for s in refused:
        resp = srv.post(f"/api/v1/items/{held[0]}/status", {"status": s, "reason": "vocabulary test"}, admin)
        tap.ok(resp.status == 409 and resp.json["error"]["field"] == "status",
               f"in_store to {s}, which the machine does not list: 409 naming status", repr(resp))
    for item, s in zip(held[1:], by_hand):
        resp = srv.post(f"/api/v1/items/{item}/status", {"status": s, "reason": "vocabulary test"}, admin)
        tap.ok(resp.status == 200 and resp.json["status"] == s, f"in_store to {s}, which it lists: taken",
               repr(resp))

    trace_words(tap, srv, v, admin)
    hit_words(tap, srv, v, admin, site)
    stock_words(tap, srv, v, admin, site)
    collection_words(tap, srv, v, admin)
    transfers_words(tap, srv, v, admin)


def trace_words(tap, srv, v, admin):
    """Tracing's words are the ones its commands take: each served word of a
    trace request's fields is taken, a word outside them is refused naming
    the field; the SDG report's keys are the served ones, in their order."""
    for key in ("loss_kinds", "hit_decisions", "diversion_categories", "trace_directions", "trace_vias", "trace_party_kinds", "illicit_reasons", "confidentialities", "urgencies",
                "trace_results", "trace_results_need_reason", "trace_states", "sdg_weapon_types", "sdg_results",
                "sdg_counts"):
        tap.ok(isinstance(v.get(key), list) and v[key] and len(set(v[key])) == len(v[key]),
               f"{key}: a list of distinct words", repr(v.get(key)))
    tap.ok(set(v["trace_results_need_reason"]) < set(v["trace_results"]),
           "the results that need a reason are some of the results", repr(v["trace_results_need_reason"]))
    tap.eq(v["sdg_results"][:-1], v["diversion_categories"],
           "the report's diversion results are the points of diversion, then not_established")

    items = srv.get("/api/v1/items" + q(status="seized", limit=1), admin).json["items"]
    tap.ok(items, "a seized weapon to trace", repr(items))
    draft = {"item_id": items[0]["id"],
             "requesting": {"state": "HT", "agency": "PNH", "contact": {"name": "Insp. Joseph",
                                                                        "email": "joseph@pnh.example"}},
             "requested": {"state": "AT", "agency": "BMI", "via": "national_contact_point"},
             "illicit_reason": "illicit_national_law", "justification": "possession without a licence",
             "confidentiality": "restricted", "urgency": "urgent"}
    n = 0
    for key, field in (("trace_directions", "direction"), ("trace_vias", "requested.via"),
                       ("trace_party_kinds", "requested.kind"), ("illicit_reasons", "illicit_reason"),
                       ("confidentialities", "confidentiality"), ("urgencies", "urgency")):
        def with_word(word):
            d = json.loads(json.dumps(draft))
            if field.startswith("requested."):
                d["requested"][field.split(".")[1]] = word
            else:
                d[field] = word
            return d
        taken = []
        for word in v[key]:
            n += 1
            resp = srv.post("/api/v1/traces", dict(with_word(word), reference=f"VOC-TR-{n:03}"), admin)
            if resp.status == 201:
                taken.append(word)
        tap.eq(taken, v[key], f"{field}: every word of {key} is taken")
        resp = srv.post("/api/v1/traces", dict(with_word("not_a_word"), reference="VOC-TR-999"), admin)
        tap.ok(resp.status in (400, 422) and resp.json["error"]["field"] == field,
               f"{field}: a word outside {key} is refused naming {field}", repr(resp))

    # a response whose result needs a reason is refused without one; one
    # whose result does not is taken
    t = srv.post("/api/v1/traces", dict(draft, reference="VOC-TR-RESP", intended_use="criminal investigation"),
                 admin).json["id"]
    tap.eq(srv.post(f"/api/v1/traces/{t}/send", {}, admin).status, 200, "a request sent, to be answered")
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    for result in v["trace_results_need_reason"]:
        refused(tap, srv.post(f"/api/v1/traces/{t}/responses", {"result": result, "date": today}, admin),
                "restriction_reason", f"a {result} response without a reason")
    plain = [r for r in v["trace_results"] if r not in v["trace_results_need_reason"]]
    resp = srv.post(f"/api/v1/traces/{t}/responses", {"result": plain[0], "date": today}, admin)
    tap.eq(resp.status, 201, f"a {plain[0]} response without a reason is taken", repr(resp))

    resp = srv.get("/api/v1/traces" + q(direction="sideways"), admin)
    tap.ok(resp.status in (400, 422), "a trace direction outside trace_directions is refused", repr(resp))
    resp = srv.get("/api/v1/traces" + q(state="not_a_state"), admin)
    tap.ok(resp.status in (400, 422), "a trace state outside trace_states is refused", repr(resp))

    report = srv.get("/api/v1/reports/sdg-16-4-2" + q(year=2026), admin).json
    tap.eq(sorted(report["counts"]), sorted(v["sdg_counts"]), "the report's counts are sdg_counts")
    tap.ok(set(report["by_type"]) <= set(v["sdg_weapon_types"]), "the report's weapon types are served ones",
           repr(sorted(report["by_type"])))
    tap.ok(set(report["by_result"]) <= set(v["sdg_results"]), "the report's results are served ones",
           repr(sorted(report["by_result"])))


def hit_words(tap, srv, v, admin, site):
    """A decision on a hit outside the served ones is refused: a weapon
    reported stolen, one recovered with its serial misread, the hit."""
    reg_body = {"category": "SA1", "make": "Glock", "model": "17", "calibre": "9x19mm", "serial": "VOC-7781234",
                "country": "AT", "site_id": site}
    weapon = srv.post("/api/v1/items", reg_body, admin).json["id"]
    loss = {"kind": "stolen", "date": "2026-01-10", "place": "Armoury", "circumstances": "the rack was found open",
            "reported_by": "Sgt. Paul", "item_id": weapon}
    refused(tap, srv.post("/api/v1/losses", dict(loss, kind="mislaid"), admin), "kind",
            f"a loss report's kind outside loss_kinds {v['loss_kinds']}")
    tap.ok("stolen" in v["loss_kinds"], "a weapon may be reported stolen", repr(v["loss_kinds"]))
    srv.post("/api/v1/losses", loss, admin)
    srv.post("/api/v1/recoveries", {"type": "seized", "date": "2026-03-14", "place": "Malpasse border post",
                                    "officer": "Agent Pierre",
                                    "weapons": [dict(reg_body, serial="VOC-7781284", site_id=None)]}, admin)
    hits = srv.get("/api/v1/hits" + q(state="open"), admin).json
    tap.ok(hits, "a hit to decide on", repr(hits))
    if not hits:
        return
    resp = srv.post(f"/api/v1/hits/{hits[0]['id']}/decision", {"decision": "maybe", "reason": "vocabulary test"},
                    admin)
    tap.ok(resp.status in (400, 422) and resp.json["error"]["field"] == "decision",
           f"a decision outside hit_decisions {v['hit_decisions']} is refused naming decision", repr(resp))


def refused(tap, resp, field, what):
    tap.ok(resp.status in (400, 422) and (resp.json or {}).get("error", {}).get("field") == field,
           f"{what}: refused naming {field}", repr(resp))


def stock_words(tap, srv, v, admin, site):
    """The stock room's words are the ones its commands take."""
    for key in ("lot_conditions", "hazard_divisions", "compat_groups", "custody_states", "check_types",
                "check_read_methods", "check_outcomes", "destruction_methods", "destruction_roles"):
        tap.ok(isinstance(v.get(key), list) and v[key] and len(set(v[key])) == len(v[key]),
               f"{key}: a list of distinct words", repr(v.get(key)))

    lot = {"nomenclature": "Cartridge 9x19mm ball", "batch_number": "B1", "rounds": 100, "packages": 1,
           "hazard_division": "1.4", "compat_group": "S", "neq_g": 0.4, "site_id": site}
    taken = [d for i, d in enumerate(v["hazard_divisions"])
             if srv.post("/api/v1/lots", dict(lot, lot_number=f"VOC-H{i}", hazard_division=d), admin).status == 201]
    tap.eq(taken, v["hazard_divisions"], "a lot takes every hazard division served")
    refused(tap, srv.post("/api/v1/lots", dict(lot, lot_number="VOC-H9", hazard_division="2.1"), admin),
            "hazard_division", "a hazard division outside hazard_divisions")
    taken = [g for i, g in enumerate(v["compat_groups"])
             if srv.post("/api/v1/lots", dict(lot, lot_number=f"VOC-G{i}", compat_group=g), admin).status == 201]
    tap.eq(taken, v["compat_groups"], "a lot takes every compatibility group served")
    refused(tap, srv.post("/api/v1/lots", dict(lot, lot_number="VOC-G99", compat_group="Z"), admin),
            "compat_group", "a compatibility group outside compat_groups")
    one = srv.post("/api/v1/lots", dict(lot, lot_number="VOC-C"), admin).json["id"]
    taken = [c for c in v["lot_conditions"][1:] + v["lot_conditions"][:1]
             if srv.post(f"/api/v1/lots/{one}/condition", {"condition": c, "reason": "vocabulary test"},
                         admin).status == 200]
    tap.eq(sorted(taken), sorted(v["lot_conditions"]), "a lot takes every condition served, one after another")
    refused(tap, srv.post(f"/api/v1/lots/{one}/condition", {"condition": "DAMP", "reason": "vocabulary test"}, admin),
            "condition", "a condition outside lot_conditions")

    for state in v["custody_states"]:
        resp = srv.get("/api/v1/custody" + q(state=state), admin)
        tap.eq(resp.status, 200, f"custody records in state {state} may be listed")
    refused(tap, srv.get("/api/v1/custody" + q(state="lent"), admin), "state", "a custody state outside custody_states")

    refused(tap, srv.post("/api/v1/checks", {"site_id": site, "type": "GLANCE"}, admin), "type",
            "a check type outside check_types")

    taken = [m for m in v["destruction_methods"]
             if srv.post("/api/v1/destructions", {"method": m, "site": "yard", "date": "2026-11-21"},
                         admin).status == 201]
    tap.eq(taken, v["destruction_methods"], "a destruction batch takes every method served")
    refused(tap, srv.post("/api/v1/destructions", {"method": "BURY", "site": "yard", "date": "2026-11-21"}, admin),
            "method", "a destruction method outside destruction_methods")
    b = srv.post("/api/v1/destructions", {"method": v["destruction_methods"][0], "site": "yard",
                                          "date": "2026-11-21"}, admin).json["id"]
    taken = [r for r in v["destruction_roles"]
             if srv.post(f"/api/v1/destructions/{b}/people", {"role": r, "name": "verifier" if r == "verifier" else f"the {r}"},
                         admin).status in (200, 201)]
    tap.eq(taken, v["destruction_roles"], "a destruction batch takes a person in every role served")
    refused(tap, srv.post(f"/api/v1/destructions/{b}/people", {"role": "bystander", "name": "Someone"}, admin),
            "role", "a person's role outside destruction_roles")


def collection_words(tap, srv, v, admin):
    """The collection room's words are the ones a recovery takes."""
    tap.eq(v["recovery_types"], ["seized", "found", "surrendered"], "the recovery types")
    tap.ok(isinstance(v.get("recovery_contexts"), list) and "border_interdiction" in v["recovery_contexts"],
           "the recovery contexts", repr(v.get("recovery_contexts")))
    n = 0

    def recovery(**kw):
        nonlocal n
        n += 1
        body = {"type": "seized", "date": "2026-02-14", "place": "Malpasse border post", "officer": "Agent Pierre",
                "weapons": [{"category": "SA4", "make": "Norinco", "model": "Type 56", "serial": f"VOC-56-{n:03}",
                             "country": "CN"}]}
        return srv.post("/api/v1/recoveries", dict(body, **kw), admin)
    taken = [t for t in v["recovery_types"] if recovery(type=t).status == 201]
    tap.eq(taken, v["recovery_types"], "a recovery takes every type served")
    refused(tap, recovery(type="bought"), "type", "a recovery type outside recovery_types")
    taken = [c for c in v["recovery_contexts"] if recovery(context=c).status == 201]
    tap.eq(taken, v["recovery_contexts"], "a recovery takes every context served")
    refused(tap, recovery(context="market"), "context", "a recovery context outside recovery_contexts")
    # the person of a recovery (never a name) and its legal justification
    for key, field in (("person_sexes", "person_sex"), ("person_age_bands", "person_age_band"),
                       ("legal_justifications", "legal_justification")):
        tap.ok(isinstance(v.get(key), list) and "not_recorded" in v[key] and len(set(v[key])) == len(v[key]),
               f"{key}: distinct words, not_recorded among them", repr(v.get(key)))
        taken = [w for w in v[key] if recovery(**{field: w}).status == 201]
        tap.eq(taken, v[key], f"a recovery takes every word of {key}")
        refused(tap, recovery(**{field: "unheard_of"}), field, f"a {field} outside {key}")

def transfers_words(tap, srv, v, admin):
    """The transfers room's words are the ones its licences, brokers,
    certificates, embargoes and lists take."""
    for key in ("licence_kinds", "licence_states", "party_roles", "goods", "prohibitions", "prohibition_findings",
                "risks", "risk_findings", "decisions", "euc_states", "verification_results", "shipment_states",
                "check_results", "broker_activities", "broker_states", "diversion_states", "embargo_scopes"):
        tap.ok(isinstance(v.get(key), list) and v[key] and len(set(v[key])) == len(v[key]),
               f"{key}: a list of distinct words", repr(v.get(key)))
    n = 0

    def number():
        nonlocal n
        n += 1
        return f"VOC-{n:03}"

    def broker(**kw):
        return srv.post("/api/v1/brokers", dict({"name": "Vocabulary Brokers", "country": "HT",
                                                 "registration": number(), "activities": ["brokering"]}, **kw), admin)
    taken = [a for a in v["broker_activities"] if broker(activities=[a]).status == 201]
    tap.eq(taken, v["broker_activities"], "a broker takes every activity served")
    refused(tap, broker(activities=["lending"]), "activities", "a broker activity outside broker_activities")
    registered = broker().json["id"]
    taken = [st for st in ("suspended", "registered", "revoked")
             if srv.post(f"/api/v1/brokers/{registered}/state", {"state": st, "reason": "vocabulary test"},
                         admin).status == 200]
    tap.eq(sorted(taken), sorted(v["broker_states"]), "a broker goes through every state served")

    exporter = {"role": "exporter", "name": "Arsenal", "country": "HT"}
    end_user = {"role": "end_user", "name": "Police", "country": "SN"}
    parties = {"export": [exporter, end_user], "import": [exporter, dict(end_user, role="importer")],
               "transit": [exporter, end_user, {"role": "transit", "name": "Port", "country": "CV"}],
               "brokering": [exporter, end_user, {"role": "broker", "broker_id": broker().json["id"]}]}

    def licence(**kw):
        body = {"kind": "export", "number": number(), "authority": "Licensing office", "officer": "A. Officer",
                "valid_from": "2026-01-01", "valid_until": "2099-12-31", "parties": parties["export"],
                "lines": [{"goods": "weapons", "category": "SA1", "quantity": 5}]}
        return srv.post("/api/v1/licences", dict(body, **kw), admin)
    taken = [k for k in v["licence_kinds"] if licence(kind=k, parties=parties.get(k, [])).status == 201]
    tap.eq(taken, v["licence_kinds"], "a licence takes every kind served")
    refused(tap, licence(kind="lease"), "kind", "a licence kind outside licence_kinds")
    extra = {"broker": parties["brokering"][2], "carrier": {"role": "carrier", "name": "Air Cargo"}}
    taken = [r for r in v["party_roles"]
             if licence(parties=parties["export"] + [extra.get(r, {"role": r, "name": f"the {r}", "country": "CV"})]
                        ).status == 201]
    tap.eq(taken, v["party_roles"], "a licence takes a party in every role served")
    refused(tap, licence(parties=parties["export"] + [{"role": "shipper", "name": "X", "country": "CV"}]),
            "parties[2].role", "a party role outside party_roles")
    lines = {"ammunition": {"goods": "ammunition", "calibre": "9x19mm", "quantity": 1000}}
    taken = [g for g in v["goods"]
             if licence(lines=[lines.get(g, {"goods": g, "category": "SA1", "quantity": 5})]).status == 201]
    tap.eq(taken, v["goods"], "a licence line takes every kind of goods served")
    refused(tap, licence(lines=[{"goods": "parts", "category": "SA1", "quantity": 5}]), "lines[0].goods",
            "goods outside goods")
    for state in v["licence_states"]:
        tap.eq(srv.get("/api/v1/licences" + q(state=state), admin).status, 200, f"licences in state {state} listed")
    refused(tap, srv.get("/api/v1/licences" + q(state="pending"), admin), "state",
            "a licence state outside licence_states")

    def assessment(**kw):
        a = {"prohibitions": {p: {"finding": "clear"} for p in v["prohibitions"]},
             "risks": {r: {"finding": "none"} for r in v["risks"]},
             "decision": "deny", "reasons": "vocabulary test", "officer": "A. Officer"}
        a.update(kw)
        return srv.post(f"/api/v1/licences/{licence().json['id']}/assessment", a, admin)
    taken = [d for d in v["decisions"] if assessment(decision=d).status == 200]
    tap.eq(taken, v["decisions"], "an assessment takes every decision served")
    refused(tap, assessment(decision="defer"), "decision", "a decision outside decisions")
    clear = {p: {"finding": "clear"} for p in v["prohibitions"]}
    taken = [f for f in v["prohibition_findings"]
             if assessment(prohibitions=dict(clear, embargo={"finding": f})).status == 200]
    tap.eq(taken, v["prohibition_findings"], "a prohibition takes every finding served")
    refused(tap, assessment(prohibitions=dict(clear, embargo={"finding": "maybe"})), "prohibitions.embargo.finding",
            "a prohibition finding outside prohibition_findings")
    none = {r: {"finding": "none"} for r in v["risks"]}
    taken = [f for f in v["risk_findings"]
             if assessment(risks=dict(none, ihl={"finding": f, "mitigation": "training"})).status == 200]
    tap.eq(taken, v["risk_findings"], "a risk takes every finding served")
    refused(tap, assessment(risks=dict(none, ihl={"finding": "high"})), "risks.ihl.finding",
            "a risk finding outside risk_findings")

    euc = srv.post("/api/v1/eucs", {
        "licence_id": licence().json["id"], "number": number(), "issued": "2026-01-01", "expires": "2099-12-31",
        "authority": {"name": "Ministry", "signatory": "M", "position": "Director", "stamp": True,
                      "authentication": "note"},
        "exporter": {"name": "Arsenal", "address": "Road 1", "country": "HT"},
        "end_user": {"name": "Police", "position": "Chief", "address": "Dakar", "country": "SN", "signed": True},
        "goods": [{"category": "SA1", "description": "pistols", "quantity": 5}],
        "contract": {"reference": "C-1", "date": "2026-01-01"}, "destination": "SN", "end_use": "police",
        "sole_use_assurance": True, "no_reexport_undertaking": True}, admin)
    tap.eq(euc.status, 201, "a certificate to verify", repr(euc))
    states = {}
    for r in v["verification_results"]:
        resp = srv.post(f"/api/v1/eucs/{euc.json['id']}/verifications", {"channel": "call", "result": r}, admin)
        states[r] = (resp.json or {}).get("state")
    tap.eq(sorted(states), sorted(v["verification_results"]), "a certificate takes every verification result served")
    tap.ok(set(states.values()) <= set(v["euc_states"]), "... each leaving it in a state served", repr(states))
    refused(tap, srv.post(f"/api/v1/eucs/{euc.json['id']}/verifications", {"channel": "call", "result": "likely"},
                          admin), "result", "a verification result outside verification_results")

    taken = [sc for i, sc in enumerate(v["embargo_scopes"])
             if srv.post("/api/v1/embargoes", {"country": ("KP", "IR")[i % 2], "reference": number(),
                                               "since": "2026-01-01", "scope": sc}, admin).status == 201]
    tap.eq(taken, v["embargo_scopes"], "an embargo takes every scope served")
    refused(tap, srv.post("/api/v1/embargoes", {"country": "KP", "reference": number(), "since": "2026-01-01",
                                                "scope": "total"}, admin), "scope", "a scope outside embargo_scopes")
    for state in v["diversion_states"]:
        tap.eq(srv.get("/api/v1/diversions" + q(state=state), admin).status, 200, f"alerts in state {state} listed")
    refused(tap, srv.get("/api/v1/diversions" + q(state="pending"), admin), "state",
            "a diversion state outside diversion_states")


if __name__ == "__main__":
    sys.exit(main(test))
