#!/usr/bin/env python3
"""The layers of libwam, checked over every #include "..." line of src/.

    util -> store -> ledger -> rooms -> rooms.c -> front ends (cli, http)

A file may include a header of its own layer or of a lower one, never of a
higher one. src/internal.h holds the core's declarations (util, store and
ledger sections): every layer may include it, and it may include what the
ledger may. Within the rooms layer a room includes only its own private
headers (src/<room>/*.h); it reaches another room through that room's
public header (include/wam/<room>.h) or the plug-in lists of src/rooms.c.
A front end includes include/wam/ headers and its own directory's, nothing
else under src/. Public headers belong to the layer of what they declare:
wam/error.h to util, wam/store.h to store, wam/ledger.h to ledger, every
other one to its room.

A new room needs no change here: any directory of src/ that is not util,
store, ledger, cli or http is a room. Output is TAP, one line per rule;
exit 1 on any edge not in KNOWN below.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")

UTIL, STORE, LEDGER, ROOMS, ASSEMBLY, FRONT = range(6)
NAMES = ["util", "store", "ledger", "rooms", "rooms.c", "front end"]
CORE_DIRS = {"util": UTIL, "store": STORE, "ledger": LEDGER}
FRONT_DIRS = {"cli", "http"}
PUBLIC_CORE = {"error.h": UTIL, "store.h": STORE, "ledger.h": LEDGER}

# Edges the tree still has, each with what removes it. An edge listed here
# and no longer present is named in the output, to be taken off the list.
KNOWN = {
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def where(path, as_header=False):
    """(layer, room or front-end dir) of a file or header under src/."""
    rel = os.path.relpath(path, SRC).replace(os.sep, "/")
    if rel == "rooms.c":
        return ASSEMBLY, None
    if "/" not in rel:
        # internal.h and any other file at the top of src/: the core's shared
        # declarations (util, store and ledger sections); it includes as the
        # ledger may, and any layer may include it
        return (UTIL if as_header else LEDGER), None
    top = rel.split("/")[0]
    if top in CORE_DIRS:
        return CORE_DIRS[top], None
    if top in FRONT_DIRS:
        return FRONT, top
    return ROOMS, top


def header(inc):
    """(layer, owner, public) of an included header, or None when unknown."""
    if inc.startswith("wam/"):
        name = inc[4:]
        if name in PUBLIC_CORE:
            return PUBLIC_CORE[name], None, True
        return ROOMS, name[:-2], True
    path = os.path.join(SRC, inc)
    if not os.path.exists(path):
        return None
    layer, owner = where(path, as_header=True)
    return layer, owner, False


def check():
    found = {}
    for dirpath, _, files in os.walk(SRC):
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, ROOT).replace(os.sep, "/")
            layer, owner = where(path)
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            for inc in INCLUDE.findall(text):
                h = header(inc)
                if h is None:
                    # a header beside the file ("assets.h" in http/)
                    if os.path.exists(os.path.join(dirpath, inc)):
                        continue
                    continue
                hl, ho, public = h
                why = None
                if layer == FRONT:
                    if not public and not (hl == FRONT and ho == owner):
                        why = "a front end includes only wam/ headers and its own"
                elif hl > layer:
                    why = "%s includes a header of %s, a higher layer" % (NAMES[layer], NAMES[hl])
                elif layer == ROOMS and hl == ROOMS and not public and ho != owner:
                    why = "room %s includes room %s's private header" % (owner, ho)
                if why:
                    found[(rel, inc)] = why
    return found


def main():
    found = check()
    n = 0
    bad = 0
    for (rel, inc), why in sorted(found.items()):
        n += 1
        if (rel, inc) in KNOWN:
            print("ok %d - %s includes %s (known edge, until: %s)" % (n, rel, inc, KNOWN[(rel, inc)]))
        else:
            bad += 1
            print("not ok %d - %s includes %s: %s" % (n, rel, inc, why))
    for key in sorted(set(KNOWN) - set(found)):
        n += 1
        print("ok %d - %s no longer includes %s: take it off KNOWN in tools/layers.py" % (n, key[0], key[1]))
    n += 1
    print("%s %d - util -> store -> ledger -> rooms -> rooms.c -> front ends, no room in another's private header"
          % ("not ok" if bad else "ok", n))
    print("1..%d" % n)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
