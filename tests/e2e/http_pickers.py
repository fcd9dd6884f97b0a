#!/usr/bin/env python3
"""e2e-http-pickers: what forms offer instead of codes, the photo store,
sign-out everywhere and the rule on sites for users and tokens.

GET /countries lists the codes the registry takes, former states included;
GET /suggest offers recorded and reference makes, models and calibres by
prefix, without case, each once; GET /user-names gives any reader the
names of active users, and a caller confined to sites only those who share
one. POST /photos keeps an image under its SHA-256 and answers with it,
refusing what is no image, an image sent as another type, and confined
callers; GET /photos/<hash> gives the bytes back and no other file, however
the name is written. DELETE /session/all ends every session of the caller
and nothing else. An empty list of sites is refused unless all_sites says
every site on purpose.
"""
import hashlib
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_lib import Registry, Server, main, q  # noqa: E402

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cf00000301010018dd8db00000000049454e44ae426082")
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF\x00" + bytes(64) + b"\xff\xd9"


def test(tap):
    reg = Registry()
    reg.demo(300)
    admin, _ = reg.token("pickers-admin", "admin")
    viewer, _ = reg.token("pickers-viewer", "viewer")
    sites = reg.wam("site", "list")
    site = sites[0]["id"]
    confined, _ = reg.token("pickers-confined", "admin", sites=[site])
    reg.user("alice", "tracer", "alice: a long enough password")
    reg.user("bert", "viewer", "bert: a long enough password", sites=[site])
    reg.user("cleo", "viewer", "cleo: a long enough password", sites=[sites[1]["id"]])
    srv = Server(reg)

    # ---- countries ----
    resp = srv.get("/api/v1/countries", viewer)
    codes = {c["code"]: c for c in resp.json or []}
    tap.ok(resp.status == 200 and "DE" in codes and "SUHH" in codes and "YUCS" in codes,
           "GET /countries: current countries and former states", repr(resp))
    tap.ok(codes.get("SUHH", {}).get("former") and not codes.get("DE", {}).get("former"),
           "... former states are marked as such")
    item = {"category": "SA4", "make": "Pickers Arms", "model": "PX-1", "calibre": "9x19mm", "serial": "PK-0001"}
    made = [srv.post("/api/v1/items", dict(item, serial=f"PK-000{i}", country=c), admin).status
            for i, c in enumerate(["SUHH", "DE", "YUCS"])]
    tap.eq(made, [201, 201, 201], "... and the registry takes every code it lists")

    # ---- suggestions ----
    resp = srv.get("/api/v1/suggest" + q(field="make", prefix="pick"), viewer)
    tap.ok(resp.status == 200 and resp.json == ["Pickers Arms"], "a recorded make is suggested by its prefix, any case",
           repr(resp))
    srv.post("/api/v1/items", dict(item, serial="PK-0100", make="PICKERS ARMS", model="px-2"), admin)
    resp = srv.get("/api/v1/suggest" + q(field="make", prefix="PICK"), viewer)
    tap.eq(len(resp.json or []), 1, "... each make once whatever its case", repr(resp))
    resp = srv.get("/api/v1/suggest" + q(field="model", prefix="px", make="pickers arms"), viewer)
    tap.ok(resp.status == 200 and {m.lower() for m in resp.json} == {"px-1", "px-2"},
           "models of a make, the make matched without case", repr(resp))
    resp = srv.get("/api/v1/suggest" + q(field="make", prefix="Izhm"), viewer)
    tap.ok(resp.status == 200 and any(m.startswith("Izhmash") for m in resp.json),
           "makes of the reference data are suggested too", repr(resp))
    resp = srv.get("/api/v1/suggest" + q(field="calibre", prefix="", limit=3), viewer)
    tap.ok(resp.status == 200 and len(resp.json) == 3 and resp.json == sorted(resp.json, key=str.lower),
           "limit keeps the first values in order", repr(resp))
    resp = srv.get("/api/v1/suggest" + q(field="serial", prefix="PK"), viewer)
    tap.ok(resp.status == 422 and resp.error().get("field") == "field", "no suggestions of serials: 422 field",
           repr(resp))
    resp = srv.get("/api/v1/suggest" + q(field="make", prefix="x" * 101), viewer)
    tap.ok(resp.status == 422 and resp.error().get("field") == "prefix", "a prefix over 100 bytes: 422", repr(resp))
    resp = srv.get("/api/v1/suggest" + q(field="make", limit=51), viewer)
    tap.eq(resp.status, 400, "a limit over 50: 400", repr(resp))

    # ---- user names ----
    resp = srv.get("/api/v1/user-names", viewer)
    names = [u["name"] for u in resp.json or []]
    tap.ok(resp.status == 200 and {"alice", "bert", "cleo"} <= set(names) and names == sorted(names),
           "GET /user-names: a viewer may ask, every active user by name", repr(resp))
    tap.ok(all(set(u) == {"id", "name", "role"} for u in resp.json), "... names, ids and roles only", repr(resp))
    resp = srv.get("/api/v1/user-names", confined)
    names = {u["name"] for u in resp.json or []}
    tap.ok(resp.status == 200 and "bert" in names and "alice" in names and "cleo" not in names,
           "a caller confined to a site hears of those who share it and those not confined, not others", repr(resp))

    # ---- photos ----
    tracer = srv.session("alice", "alice: a long enough password")
    resp = srv.request("POST", "/api/v1/photos", body=PNG, ctype="image/png", **tracer)
    digest = hashlib.sha256(PNG).hexdigest()
    tap.ok(resp.status == 201 and resp.json == {"hash": digest, "size": len(PNG), "media_type": "image/png"},
           "POST /photos: 201 with the SHA-256 the server computed", repr(resp))
    tap.eq(resp.header("Location"), f"/api/v1/photos/{digest}", "... and where to read it back")
    stored = reg.path("reg.db.photos/" + digest)
    tap.ok(os.path.isfile(stored) and os.stat(stored).st_mode & 0o077 == 0
           and os.stat(reg.path("reg.db.photos")).st_mode & 0o077 == 0,
           "... kept owner-only beside the registry, under its hash")
    again = srv.request("POST", "/api/v1/photos", body=PNG, ctype="image/png", **tracer)
    tap.ok(again.status == 201 and again.json["hash"] == digest and len(os.listdir(reg.path("reg.db.photos"))) == 1,
           "the same bytes twice: the same hash, one file", repr(again))
    resp = srv.request("GET", f"/api/v1/photos/{digest}", **tracer)
    tap.ok(resp.status == 200 and resp.body == PNG and resp.header("Content-Type") == "image/png",
           "GET /photos/<hash>: the bytes, as what they are", repr(resp))
    resp = srv.request("POST", "/api/v1/photos", body=JPEG, ctype="image/png", **tracer)
    tap.ok(resp.status == 422 and resp.error().get("field") == "photo",
           "a JPEG sent as image/png: 422, the type is told by the bytes", repr(resp))
    resp = srv.request("POST", "/api/v1/photos", body=b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                       ctype="image/png", **tracer)
    tap.ok(resp.status == 422 and resp.error().get("field") == "photo", "bytes that are no image: 422", repr(resp))
    resp = srv.request("POST", "/api/v1/photos", body=PNG, ctype="text/html", **tracer)
    tap.eq(resp.status, 415, "a photo sent as text/html: 415", repr(resp))
    tap.eq(len(os.listdir(reg.path("reg.db.photos"))), 1, "... and none of those is kept")
    for bad in ["..%2Freg.db", "%2E%2E", digest.upper(), digest[:-1], digest + "0", "..", "reg.db"]:
        resp = srv.request("GET", f"/api/v1/photos/{bad}", **tracer)
        if not tap.ok(resp.status in (400, 404, 422) and resp.body != PNG and b"SQLite" not in resp.body,
                      f"GET /photos/{bad}: refused, nothing but a photo is ever read", repr(resp)):
            break
    resp = srv.request("GET", "/api/v1/photos/" + "0" * 64, **tracer)
    tap.eq(resp.status, 404, "a hash of no photo: 404", repr(resp))
    resp = srv.request("POST", "/api/v1/photos", body=PNG, ctype="image/png", token=viewer)
    tap.eq(resp.status, 403, "a viewer may not add photos", repr(resp))
    resp = srv.request("POST", "/api/v1/photos", body=PNG, ctype="image/png", token=confined)
    tap.eq(resp.status, 403, "nor a caller confined to sites (photos are of national records)", repr(resp))
    with open(stored, "r+b") as f:  # one byte changed outside wam
        f.seek(30)
        b = f.read(1)
        f.seek(30)
        f.write(bytes([b[0] ^ 0xFF]))
    resp = srv.request("GET", f"/api/v1/photos/{digest}", **tracer)
    tap.ok(resp.status >= 400 and resp.body != PNG, "a stored file changed outside wam is refused, not served",
           repr(resp))

    # ---- sign out everywhere ----
    one = srv.session("alice", "alice: a long enough password")
    two = srv.session("alice", "alice: a long enough password")
    bert = srv.session("bert", "bert: a long enough password")
    resp = srv.request("DELETE", "/api/v1/session/all", **one)
    tap.eq(resp.status, 204, "DELETE /session/all: 204", repr(resp))
    tap.eq([srv.get("/api/v1/session", **s).status for s in (one, two, tracer)], [401, 401, 401],
           "... every session of the caller has ended, this one too")
    tap.eq(srv.get("/api/v1/session", **bert).status, 200, "... another user's session goes on")
    tap.ok(srv.session("alice", "alice: a long enough password") is not None, "... and the password is unchanged")
    resp = srv.request("DELETE", "/api/v1/session/all", token=admin)
    tap.eq(resp.status, 403, "a token has no sessions to end: 403", repr(resp))
    tap.eq(srv.get("/api/v1/session", token=admin).status, 200, "... and the token still works")

    # ---- sites chosen on purpose ----
    body = {"name": "nosite", "role": "viewer", "password": "nosite: a long password"}
    resp = srv.post("/api/v1/users", dict(body, sites=[]), admin)
    tap.ok(resp.status == 422 and resp.error().get("field") == "sites",
           "POST /users with an empty list of sites: 422 sites", repr(resp))
    resp = srv.post("/api/v1/users", dict(body, sites=None), admin)
    tap.ok(resp.status == 422 and resp.error().get("field") == "sites", "... or sites null: 422 sites", repr(resp))
    resp = srv.post("/api/v1/users", dict(body, sites=[site], all_sites=True), admin)
    tap.ok(resp.status == 422 and resp.error().get("field") == "sites", "... all sites and some sites: 422",
           repr(resp))
    resp = srv.post("/api/v1/users", dict(body, all_sites=True), admin)
    tap.ok(resp.status == 201 and resp.json["sites"] == [], "... all_sites: true gives every site", repr(resp))
    uid = resp.json["id"] if resp.status == 201 else "x"
    resp = srv.request("PATCH", f"/api/v1/users/{uid}", body={"sites": [site]}, token=admin)
    tap.ok(resp.status == 200 and resp.json["sites"] == [site], "PATCH confines to a site", repr(resp))
    resp = srv.request("PATCH", f"/api/v1/users/{uid}", body={"sites": []}, token=admin)
    tap.ok(resp.status == 422 and resp.error().get("field") == "sites", "PATCH with an empty list: 422", repr(resp))
    resp = srv.request("PATCH", f"/api/v1/users/{uid}", body={"all_sites": True}, token=admin)
    tap.ok(resp.status == 200 and resp.json["sites"] == [], "PATCH all_sites: true gives every site back",
           repr(resp))
    reg.user("ada", "admin", "ada: a long enough password")
    ada = srv.session("ada", "ada: a long enough password")
    resp = srv.post("/api/v1/tokens", {"name": "t-nosite", "role": "viewer", "sites": []}, **ada)
    tap.ok(resp.status == 422 and resp.error().get("field") == "sites", "POST /tokens with an empty list: 422",
           repr(resp))
    resp = srv.post("/api/v1/tokens", {"name": "t-all", "role": "viewer"}, **ada)
    tap.eq(resp.status, 201, "a body without sites keeps meaning every site, as for API clients before",
           repr(resp))


if __name__ == "__main__":
    sys.exit(main(test))
