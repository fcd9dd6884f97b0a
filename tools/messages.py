#!/usr/bin/env python3
"""The message catalogue (src/messages.json): every sentence libwam and the server write for a user
(errors, import row errors, marking reasons, trace quality findings), each with a stable id.

usage:
  messages.py OUT.c [CATALOGUE]    write the C table util/messages.h declares (a build step)
  messages.py --add [CATALOGUE]    give every format src/ writes that has no id one, derived from its
                                   words (review the new ids: they are kept for good once in use),
                                   and drop the ids of formats src/ no longer writes
  messages.py --catalogue [EN]     write the English msg.<id> entries at the end of web/i18n/en.json
  messages.py --check SRC EN [CATALOGUE]
                                   TAP: the catalogue is well formed, every format src/ passes to an
                                   error or a message has an id, every id is used, and en.json's msg.*
                                   entries are the catalogue's

A format reaches the table when it is a string literal (or a ternary of literals) passed as the
format to wam_error_set, wam_error_set_line, wam_error_vset, wam_message_json, reply_error, or to a
function that passes one of its parameters on as such a format (found in src/ as events.py finds
the senders of events). At run time the format is looked up by its text, so the same sentence
written in two places has one id.

The English text of msg.<id> is the format with each conversion (%s, %d, %.40s, %zu, ...) replaced
by {1}, {2}, ... in order and %% by %: the args of an error or a message fill them in that order.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from events import FUNC_RE, c_string  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOGUE = os.path.join(ROOT, "src", "messages.json")
SRC = os.path.join(ROOT, "src")
EN = os.path.join(ROOT, "web", "i18n", "en.json")
ID_RE = re.compile(r"^[a-z]+\.[a-z0-9_]+$")
# the functions that take a format, and the index of the format among their arguments
SENDERS = {"wam_error_set": 2, "wam_error_set_line": 3, "wam_error_vset": 3, "reply_error": 4,
           "wam_message_json": 0, "wam_message_vjson": 0}
# printf conversions: flags, width, precision, length, specifier
CONV_RE = re.compile(r"%(%|[-+ #0]*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|L|z|j|t)?[diouxXeEfFgGaAcsp])")
# the CLI speaks English to its user: the formats only it writes (its usage lines) need no id
SKIP_DIRS = {"cli"}
# the room an id is named after: the directory of src/ the format is first written in
ROOM_OF = {"util": "input", "store": "store", "ledger": "ledger", "http": "http",
           "match": "match", "registry": "registry", "auth": "auth", "stock": "stock",
           "collection": "collection", "trace": "trace", "transfers": "transfers", "embargo": "embargo",
           "sanctions": "sanctions", "monitoring": "monitoring", "reports": "report"}
STOP = {"the", "a", "an", "is", "of", "to", "be", "it", "its", "and", "or", "in", "on", "at", "by", "for",
        "this", "that", "which", "with", "as", "s", "d", "ld", "lld", "zu", "g", "u"}


class CatalogueError(Exception):
    pass


def load(path=CATALOGUE):
    with open(path, encoding="utf-8") as f:
        cat = json.load(f)
    ids, formats = set(), set()
    for m in cat["messages"]:
        i, fmt = m.get("id", ""), m.get("format")
        if not ID_RE.match(i):
            raise CatalogueError("message id '%s' is not room.words (lower case, one dot)" % i)
        if i in ids:
            raise CatalogueError("%s is declared twice" % i)
        if not isinstance(fmt, str) or not fmt:
            raise CatalogueError("%s has no format" % i)
        if fmt in formats:
            raise CatalogueError("%s: its format is another id's too: '%s'" % (i, fmt))
        ids.add(i)
        formats.add(fmt)
    return cat


def save(cat, path=CATALOGUE):
    cat["messages"].sort(key=lambda m: m["id"])
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(cat, indent=1, ensure_ascii=False) + "\n")


def english(fmt):
    """'%s must be at most %d bytes' -> '{1} must be at most {2} bytes'"""
    n = [0]

    def sub(m):
        if m.group(1) == "%":
            return "%"
        n[0] += 1
        return "{%d}" % n[0]
    return CONV_RE.sub(sub, fmt)


# ---- the C table ----

def write_c(out_path, cat):
    rows = sorted(cat["messages"], key=lambda m: m["format"].encode())
    lines = ["/* generated from src/messages.json by tools/messages.py; do not edit */",
             '#include "util/messages.h"', "",
             "/* sorted by format, byte by byte (strcmp): looked up by bsearch */",
             "const wam_message_entry wam_messages[] = {"]
    for m in rows:
        lines.append("\t{%s, %s}," % (c_string(m["format"]), c_string(m["id"])))
    lines.append("};")
    lines.append("const size_t wam_message_count = %d;" % len(rows))
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


# ---- the formats src/ writes ----

ESC = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "r": "\r", "0": "\0", "a": "\a"}


def c_literals(expr):
    """The string of `expr` when it is only adjacent string literals, else None."""
    out, i, e = [], 0, expr.strip()
    if not e.startswith('"'):
        return None
    while i < len(e):
        c = e[i]
        if c.isspace():
            i += 1
            continue
        if c != '"':
            return None
        i += 1
        while i < len(e) and e[i] != '"':
            if e[i] == "\\":
                nxt = e[i + 1]
                if nxt in "01234567":
                    j = i + 1
                    while j < len(e) and j < i + 4 and e[j] in "01234567":
                        j += 1
                    out.append(chr(int(e[i + 1:j], 8)))
                    i = j
                    continue
                out.append(ESC.get(nxt, nxt))
                i += 2
            else:
                out.append(e[i])
                i += 1
        i += 1
    return "".join(out)


def top_split(expr, ch):
    """Index of the first `ch` outside brackets and strings, or -1."""
    depth, i, q = 0, 0, False
    while i < len(expr):
        c = expr[i]
        if q:
            if c == "\\":
                i += 1
            elif c == '"':
                q = False
        elif c == '"':
            q = True
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == ch and depth == 0:
            return i
        i += 1
    return -1


def formats_of(expr):
    """The formats an argument expression can be: literals, or the branches of a ternary.
    None when it is anything else."""
    e = expr.strip()
    while e.startswith("(") and top_split(e[1:], ")") == len(e) - 2:
        e = e[1:-1].strip()
    lit = c_literals(e)
    if lit is not None:
        return [lit]
    q = top_split(e, "?")
    if q < 0:
        return None
    rest = e[q + 1:]
    # the ':' that closes this '?': skip nested ternaries
    depth, i, qs = 0, 0, False
    while i < len(rest):
        c = rest[i]
        if qs:
            if c == "\\":
                i += 1
            elif c == '"':
                qs = False
        elif c == '"':
            qs = True
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "?" and depth == 0:
            depth += 100
        elif c == ":" and depth >= 100:
            depth -= 100
        elif c == ":" and depth == 0:
            break
        i += 1
    a, b = formats_of(rest[:i]), formats_of(rest[i + 1:])
    return None if a is None or b is None else a + b


def skip_quoted(text, i):
    """The index after the string or character literal that starts at text[i]."""
    q, j = text[i], i + 1
    while j < len(text) and text[j] != q:
        j += 2 if text[j] == "\\" else 1
    return j + 1


def call_args(text, name):
    """The argument text of every call to `name` in `text` (brackets in literals do not count)."""
    for m in re.finditer(r"\b%s\s*\(" % re.escape(name), text):
        depth, j = 1, m.end()
        while j < len(text) and depth:
            c = text[j]
            if c in "\"'":
                j = skip_quoted(text, j)
                continue
            depth += {"(": 1, ")": -1}.get(c, 0)
            j += 1
        yield text[m.end():j - 1]


def split_args(args):
    """Top-level comma-separated arguments (commas in literals and brackets do not split)."""
    out, depth, start, j = [], 0, 0, 0
    while j < len(args):
        c = args[j]
        if c in "\"'":
            j = skip_quoted(args, j)
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            out.append(args[start:j].strip())
            start = j + 1
        j += 1
    out.append(args[start:].strip())
    return out


def sources(src):
    for dirpath, dirs, files in os.walk(src):
        if os.path.relpath(dirpath, src).split(os.sep)[0] in SKIP_DIRS:
            continue
        for fn in sorted(files):
            if fn.endswith((".c", ".h")):
                path = os.path.join(dirpath, fn)
                yield path, strip_comments(open(path, encoding="utf-8").read())


def strip_comments(text):
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            out.append(" ")
            i = n if j < 0 else j + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def is_declaration(arg):
    return bool(re.match(r"^(const\s+)?char\s*\*", arg)) or arg == "..."


def scan(src=SRC):
    """({format: [file, ...]}, [(file, function, argument)] of formats that are not literals)."""
    files = list(sources(src))
    global_senders = dict(SENDERS)
    local = {path: {} for path, _ in files}
    funcs = {}
    for path, text in files:
        funcs[path] = []
        for m in FUNC_RE.finditer(text):
            params = [p.split()[-1].strip("*") if p.split() else "" for p in split_args(m.group(2))]
            end = text.find("\n}", m.end())
            head = text[max(0, text.rfind("\n", 0, m.start())):m.start() + len(m.group(0))]
            funcs[path].append((m.group(1), params, text[m.end():end if end > 0 else len(text)],
                                "static" in m.group(0) or "static" in head))
    changed = True
    while changed:
        changed = False
        for path, _ in files:
            senders = dict(global_senders, **local[path])
            for name, params, body, static in funcs[path]:
                if name in senders:
                    continue
                for sender, k in senders.items():
                    for args in call_args(body, sender):
                        a = split_args(args)
                        if len(a) > k and a[k] in params:
                            (local[path] if static else global_senders)[name] = params.index(a[k])
                            changed = True
                            break
                    if name in senders or name in global_senders or name in local[path]:
                        break
    found, odd = {}, []
    for path, text in files:
        rel = os.path.relpath(path, ROOT)
        senders = dict(global_senders, **local[path])
        params_of = {p for _, params, _, _ in funcs[path] for p in params}
        for sender, k in senders.items():
            for args in call_args(text, sender):
                a = split_args(args)
                if len(a) <= k or is_declaration(a[k]) or is_declaration(a[0]):
                    continue
                fmts = formats_of(a[k])
                if fmts is None:
                    if a[k] not in params_of:  # a wrapper passing its own format on
                        odd.append((rel, sender, a[k]))
                    continue
                for f in fmts:
                    found.setdefault(f, []).append(rel)
                    want = sum(1 + m.group(0).count("*") for m in CONV_RE.finditer(f) if m.group(1) != "%")
                    # a va_list is passed whole; a wrapper may add the args itself
                    if sender in SENDERS and a[-1] != "ap" and len(a) - k - 1 != want:
                        odd.append((rel, sender, "%s (%d conversions, %d arguments)" % (a[k], want, len(a) - k - 1)))
    return found, odd


# ---- ids ----

def derive_id(fmt, files, taken):
    parts = files[0].split(os.sep)
    room = ROOM_OF.get(parts[1], "common") if len(parts) > 2 else "common"
    words = [w for w in re.findall(r"[a-z0-9]+", CONV_RE.sub(" ", fmt.lower().replace("'", "")))
             if w not in STOP]
    for n in range(min(5, len(words)), len(words) + 1):
        i = "%s.%s" % (room, "_".join(words[:n]) or "message")
        if i not in taken:
            return i
    base = "%s.%s" % (room, "_".join(words) or "message")
    k = 2
    while "%s_%d" % (base, k) in taken:
        k += 1
    return "%s_%d" % (base, k)


def add(cat_path):
    try:
        cat = load(cat_path)
    except FileNotFoundError:
        cat = {"about": "", "messages": []}
    found, odd = scan()
    known = {m["format"] for m in cat["messages"]}
    taken = {m["id"] for m in cat["messages"]}
    gone = [m for m in cat["messages"] if m["format"] not in found]
    taken -= {m["id"] for m in gone}
    for m in gone:
        print("-%s\t%s" % (m["id"], m["format"]))
    cat["messages"] = [m for m in cat["messages"] if m["format"] in found]
    new = 0
    for fmt in sorted(found):
        if fmt in known:
            continue
        i = derive_id(fmt, found[fmt], taken)
        taken.add(i)
        cat["messages"].append({"id": i, "format": fmt})
        print("%s\t%s" % (i, fmt))
        new += 1
    for rel, sender, arg in odd:
        sys.stderr.write("messages.py: %s passes %s a format that is not a literal: %s\n" % (rel, sender, arg))
    save(cat, cat_path)
    sys.stderr.write("messages.py: %d new message(s)\n" % new)
    return 0


# ---- en.json ----

def en_block(cat):
    return {"msg." + m["id"]: english(m["format"]) for m in sorted(cat["messages"], key=lambda m: m["id"])}


def with_block(text, block):
    d = json.loads(text)
    out = {k: v for k, v in d.items() if not k.startswith("msg.")}
    out.update(block)
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


def catalogue(en_path, cat_path):
    cat = load(cat_path)
    text = open(en_path, encoding="utf-8").read()
    fresh = with_block(text, en_block(cat))
    if fresh != text:
        with open(en_path, "w", encoding="utf-8") as f:
            f.write(fresh)
    return 0


def check(src, en_path, cat_path):
    results = []

    def ok(cond, what, detail=""):
        results.append((cond, what, detail))

    try:
        cat = load(cat_path)
        ok(True, "the catalogue is well formed")
    except (CatalogueError, ValueError, KeyError) as e:
        ok(False, "the catalogue is well formed", str(e))
        cat = None
    found, odd = scan(src)
    ok(len(found) >= 300, "the scan of src/ finds the formats it writes (%d)" % len(found),
       "found only %d: the scan no longer sees how src/ writes its messages" % len(found))
    ok(not odd, "every format src/ passes on is a literal, followed by as many arguments as it converts",
       "; ".join("%s: %s(..., %s, ...)" % o for o in odd))
    if cat:
        known = {m["format"]: m["id"] for m in cat["messages"]}
        missing = sorted(f for f in found if f not in known)
        ok(not missing, "every format src/ writes has an id",
           "run tools/messages.py --add; without one: " + "; ".join(
               "'%s' (%s)" % (f, ", ".join(sorted(set(found[f])))) for f in missing))
        unused = sorted(i for f, i in known.items() if f not in found)
        ok(not unused, "every id of the catalogue is written by src/", "unused: " + ", ".join(unused))
        en = json.load(open(en_path, encoding="utf-8"))
        have = {k: v for k, v in en.items() if k.startswith("msg.")}
        want = en_block(cat)
        diff = sorted(k for k in set(have) | set(want) if have.get(k) != want.get(k))
        ok(not diff, "%s's msg.* entries are the catalogue's" % os.path.relpath(en_path, ROOT),
           "run tools/messages.py --catalogue; differ: " + ", ".join(diff[:20]))
        keys = list(en)
        tail = keys[len(keys) - len(have):] if have else []
        ok(tail == sorted(have), "the msg.* entries close en.json, sorted by id",
           "run tools/messages.py --catalogue")
    print("1..%d" % len(results))
    for n, (cond, what, detail) in enumerate(results, 1):
        print("%sok %d - %s" % ("" if cond else "not ", n, what))
        if not cond and detail:
            print("# " + detail)
    return 0 if all(r[0] for r in results) else 1


def main(argv):
    if len(argv) >= 2 and argv[1] == "--add":
        return add(argv[2] if len(argv) > 2 else CATALOGUE)
    if len(argv) >= 2 and argv[1] == "--catalogue":
        return catalogue(argv[2] if len(argv) > 2 else EN, CATALOGUE)
    if len(argv) >= 4 and argv[1] == "--check":
        return check(argv[2], argv[3], argv[4] if len(argv) > 4 else CATALOGUE)
    if len(argv) in (2, 3) and not argv[1].startswith("-"):
        write_c(argv[1], load(argv[2] if len(argv) > 2 else CATALOGUE))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except CatalogueError as e:
        sys.stderr.write("messages.py: %s\n" % e)
        sys.exit(1)
