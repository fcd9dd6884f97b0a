#!/usr/bin/env python3
"""e2e-http-makeup: how a weapon was made and its parts, over the API.

POST /items takes kind, part_type, belongs_to, manufacture, converted_from,
frame_material, serial_component and a marking's method, and refuses a
wrong word with 422 naming the field; a printed polymer frame without a
serialised insert is inadequate under R4. GET /items filters by kind,
part_type, manufacture and frame_material (an unknown word: 400 naming the
parameter). POST /items/{id}/attach links a part to its weapon and unlinks
it ({weapon_id: null, reason}); the refusals (a weapon attached, to a
part, to an unknown weapon, without a reason to detach, an unknown field)
change nothing. GET /items/{id} of a weapon lists its parts. The demo's
weapons of new technologies are in GET /summary's breakdowns, and the
registry vocabulary offers the new words."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import Registry, Server, error_shape, main, q  # noqa: E402


def body(tap):
    reg = Registry()
    reg.wam("init", "--country", "HT", "--name", "Haiti")
    reg.demo(300)
    registrar, _ = reg.token("registrar", "registrar")
    viewer, _ = reg.token("viewer", "viewer")
    srv = Server(reg)

    def get(path, token=registrar):
        return srv.request("GET", path, token=token)

    def post(path, doc, token=registrar):
        return srv.request("POST", path, doc, token=token)

    def serials(path):
        r = get(path)
        return sorted(i["serial"] for i in r.json["items"]) if r.status == 200 else r

    def events():
        return get("/api/v1/summary").json["totals"]["events"]

    # the demo's weapons of new technologies
    tap.eq(serials("/api/v1/items" + q(manufacture="printed")), ["PF-2024-0113", "PF-2024-0127"],
           "GET /items?manufacture=printed: the demo's printed frame and printed pistol")
    tap.eq(serials("/api/v1/items" + q(manufacture="converted")), ["EK-1904417"],
           "GET /items?manufacture=converted: the converted alarm pistol")
    tap.eq(serials("/api/v1/items" + q(kind="part", part_type="barrel")), ["BXR812"],
           "GET /items?kind=part&part_type=barrel: the demo's barrel")
    tap.eq(get("/api/v1/items" + q(kind="part", part_type="frame_receiver")).json["total"], 0,
           "GET /items?kind=part leaves out the frame, which is the weapon")
    frame = get("/api/v1/items" + q(kind="weapon", part_type="frame_receiver")).json["items"][0]
    tap.eq((frame["marking_status"], frame["marking_reason"]),
           ("inadequate", "R4: a polymer or printed frame carries no marked serialised metal insert"),
           "the printed frame without an insert is inadequate under R4")
    pistol = [i for i in get("/api/v1/items" + q(manufacture="printed", kind="weapon")).json["items"]
              if i["kind"] == "weapon"][0]
    tap.eq(pistol["marking_status"], "adequate", "the printed pistol with an insert is adequate")
    glock = get("/api/v1/items" + q(kind="part", part_type="slide")).json["items"][0]["belongs_to"]
    parts = get(f"/api/v1/items/{glock}").json.get("parts", [])
    tap.eq(sorted(p["part_type"] for p in parts), ["barrel", "slide"], "GET /items/{id}: the pistol lists its parts")
    summary = get("/api/v1/summary").json
    tap.eq(get("/api/v1/items" + q(kind="weapon")).json["total"], summary["by_kind"]["weapon"],
           "GET /items?kind=weapon: as many as the summary's by_kind.weapon")
    tap.eq(serials("/api/v1/items" + q(manufacture="Printed")), ["PF-2024-0113", "PF-2024-0127"],
           "GET /items?manufacture=Printed: a filter word in any case")
    tap.eq(summary["by_manufacture"].get("printed"), 2, "GET /summary: by_manufacture counts printed weapons")
    tap.eq(summary["by_kind"], {"weapon": 298, "part": 2}, "GET /summary: by_kind, the frame counted as a weapon")
    tap.eq(summary["parts_by_type"], {"barrel": 1, "frame_receiver": 1, "slide": 1}, "GET /summary: parts_by_type")
    vocab = get("/api/v1/vocabulary").json
    tap.eq([len(vocab.get(k, [])) for k in ("part_types", "manufactures", "conversions", "frame_materials",
                                            "marking_methods")], [10, 6, 7, 3, 7],
           "GET /vocabulary offers the makeup's words")

    # creating weapons and parts
    r = post("/api/v1/items", {"category": "SA1", "make": "FGC-9", "serial": "HTTP-PF-1", "country": "HT",
                               "manufacture": "printed", "frame_material": "polymer",
                               "markings": [{"component": "frame_receiver", "kind": "serial",
                                             "text": "HTTP-PF-1", "method": "insert"}]})
    tap.eq(r.status, 201, "POST /items with its makeup: 201", r)
    weapon = r.json["id"]
    tap.eq((r.json["manufacture"], r.json["markings"][0].get("method"), r.json["marking_status"]),
           ("printed", "insert", "adequate"), "... the makeup and the insert read back")
    r = post("/api/v1/items", {"category": "PART", "kind": "part", "part_type": "slide", "serial": "HTTP-S-1"})
    tap.eq(r.status, 201, "POST /items of a part: 201", r)
    part = r.json["id"]
    before = events()
    for doc, field in [({"kind": "part"}, "part_type"), ({"manufacture": "printed3d"}, "manufacture"),
                       ({"converted_from": "alarm"}, "converted_from"), ({"frame_material": "wood"}, "frame_material"),
                       ({"markings": [{"component": "frame_receiver", "kind": "serial", "text": "X",
                                       "method": "glued"}]}, "markings[0].method"),
                       ({"belongs_to": weapon}, "belongs_to")]:
        r = post("/api/v1/items", dict({"category": "SA1", "serial": "HTTP-BAD"}, **doc))
        tap.ok(r.status == 422 and r.error().get("field") == field and not error_shape(r),
               f"POST /items with a bad {field}: 422 naming it", repr(r))

    # the filters refuse an unknown word
    for param in ("kind", "part_type", "manufacture", "frame_material"):
        r = get("/api/v1/items" + q(**{param: "nonsense"}))
        tap.ok(r.status == 400 and r.error().get("field") == param and not error_shape(r),
               f"GET /items?{param}=nonsense: 400 naming it", repr(r))

    # attach and detach
    barrel = get("/api/v1/items" + q(kind="part", part_type="barrel")).json["items"][0]["id"]
    for doc, status, field, desc in [
            ({"weapon_id": part}, 422, "id", "attaching a weapon"),
            ({"weapon_id": barrel}, 422, "weapon_id", "attaching to a part"),
            ({"weapon_id": "", "reason": "x"}, 422, "weapon_id", "an empty weapon_id"),
            ({"weapon_id": 5}, 422, "weapon_id", "a weapon_id that is a number"),
            ({"weapon_id": "01HZZZZZZZZZZZZZZZZZZZZZZZ"}, 404, "weapon_id", "attaching to an unknown weapon"),
            ({"weapon_id": None, "reason": "nothing to detach"}, 409, "weapon_id", "detaching a loose part"),
            ({"reason": "no weapon named"}, 422, "weapon_id", "no weapon_id"),
            ({"weapon_id": weapon, "colour": "red"}, 422, "colour", "an unknown field")]:
        target = weapon if desc == "attaching a weapon" else part
        r = post(f"/api/v1/items/{target}/attach", doc)
        tap.ok(r.status == status and r.error().get("field") == field and not error_shape(r),
               f"POST /items/{{id}}/attach, {desc}: {status} naming {field}", repr(r))
    tap.eq(events(), before, "the refusals recorded nothing")
    r = post(f"/api/v1/items/{part}/attach", {"weapon_id": weapon}, token=viewer)
    tap.eq(r.status, 403, "a viewer may not attach a part", repr(r))
    r = post(f"/api/v1/items/{part}/attach", {"weapon_id": weapon, "reason": "fitted"})
    tap.ok(r.status == 200 and r.json.get("belongs_to") == weapon, "POST /items/{id}/attach: the part belongs", repr(r))
    tap.eq([p["id"] for p in get(f"/api/v1/items/{weapon}").json["parts"]], [part], "... and the weapon lists it")
    tap.eq(serials("/api/v1/items" + q(kind="part", part_type="slide")), ["BXR812", "HTTP-S-1"],
           "GET /items?kind=part&part_type=slide lists it")
    r = post(f"/api/v1/items/{part}/attach", {"weapon_id": None})
    tap.ok(r.status == 422 and r.error().get("field") == "reason", "detaching without a reason: 422", repr(r))
    r = post(f"/api/v1/items/{part}/attach", {"weapon_id": None, "reason": "taken off for the laboratory"})
    tap.ok(r.status == 200 and "belongs_to" not in r.json, "detaching with a reason: 200", repr(r))
    tap.eq(get(f"/api/v1/items/{weapon}").json["parts"], [], "... the weapon lists no part")
    history = get(f"/api/v1/items/{part}/history").json["events"]
    tap.eq([e["type"] for e in history], ["item.registered", "item.attached", "item.attached"],
           "the part's history holds both links")
    tap.eq(history[-1]["summary"], "part detached from its weapon: taken off for the laboratory",
           "... worded as a detachment")
    r = post(f"/api/v1/items/{part}/attach", {"weapon_id": frame["id"], "reason": "fitted to the frame"})
    tap.ok(r.status == 200 and r.json.get("belongs_to") == frame["id"],
           "a slide is attached to the printed frame, which is the weapon", repr(r))
    r = post(f"/api/v1/items/{frame['id']}/attach", {"weapon_id": weapon, "reason": "x"})
    tap.ok(r.status == 422 and r.error().get("field") == "id", "the frame itself is attached to nothing", repr(r))


if __name__ == "__main__":
    main(body)
