#!/usr/bin/env python3
"""The event catalogue (src/events.json): its C table, its list in the docs, and checks.

usage:
  events.py OUT.c CATALOGUE         write the C table src/ledger/events.h declares (a build step)
  events.py --docs DOC [CATALOGUE]  rewrite DOC's list of event types (between the markers)
  events.py --catalogue EN_JSON [CATALOGUE]
                                    write the console's English templates event.<type> into EN_JSON
                                    (web/i18n/en.json): one per type, its summary; others removed
  events.py --check DOC SRC [CATALOGUE [EN_JSON]]
                                    TAP: the catalogue is well formed, DOC's list is the catalogue's,
                                    every event type src/ passes to wam_ledger_append is declared, and
                                    EN_JSON has exactly one event.<type> per type, naming the same fields

The catalogue's format (field types, the summary templates) is described in its "about" and in
docs/ledger.md. Every failure names the event type and what is wrong with it.
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOGUE = os.path.join(ROOT, "src", "events.json")
# "ledger": the core's own events, which shape no room's table
ROOMS = ("ledger", "registry", "auth", "stock", "collection", "trace", "transfers", "embargo", "sanctions", "monitoring", "reports")
TYPES = ("string", "integer", "number", "boolean", "array", "object", "null", "any")
BEGIN = "<!-- event types: generated from src/events.json by tools/events.py --docs; do not edit -->"
END = "<!-- end of event types -->"
TYPE_RE = re.compile(r"^[a-z]+\.[a-z_]+$")
# labels: how the console shows a field's value; a vocabulary of the console's catalogues
# (status -> status.<code>) or one of these
LABEL_KINDS = ("country", "site", "date")
LABEL_RE = re.compile(r"^[a-z_]+$")
I18N_EN = os.path.join(ROOT, "web", "i18n", "en.json")


class CatalogueError(Exception):
    pass


def parse_field(spec):
    """'string|null?' -> (['string', 'null'], False)"""
    required = not spec.endswith("?")
    kinds = spec.rstrip("?").split("|")
    return kinds, required


def template_refs(text, where):
    """The field paths a summary template refers to; raises on unbalanced braces."""
    refs, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "}":
            raise CatalogueError("%s: '}' without '{' at %d" % (where, i))
        if c != "{":
            i += 1
            continue
        depth, j = 1, i + 1
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        if depth:
            raise CatalogueError("%s: '{' at %d is never closed" % (where, i))
        inner = text[i + 1:j - 1]
        m = re.match(r"^(#?)([a-z_][a-z_0-9.]*)([|?](.*))?$", inner, re.S)
        if not m:
            raise CatalogueError("%s: '{%s}' is not {field}, {field|text}, {field?text} or {#field}" % (where, inner))
        refs.append(m.group(2))
        if m.group(4):
            refs.extend(template_refs(m.group(4), where))
        i = j
    return refs


def load(path=CATALOGUE):
    with open(path, encoding="utf-8") as f:
        cat = json.load(f)
    seen = set()
    for ev in cat["events"]:
        t = ev.get("type", "")
        if not TYPE_RE.match(t):
            raise CatalogueError("event type '%s' is not room-word.verb (lower case, one dot)" % t)
        if t in seen:
            raise CatalogueError("%s is declared twice" % t)
        seen.add(t)
        if ev.get("room") not in ROOMS:
            raise CatalogueError("%s: room '%s' is not one of %s" % (t, ev.get("room"), ", ".join(ROOMS)))
        if not ev.get("summary"):
            raise CatalogueError("%s has no summary" % t)
        for name, spec in ev["fields"].items():
            kinds, _ = parse_field(spec)
            for k in kinds:
                if k not in TYPES:
                    raise CatalogueError("%s: field %s has type '%s', not one of %s" % (t, name, k, ", ".join(TYPES)))
        for ref in template_refs(ev["summary"], t):
            if ref.split(".")[0] not in ev["fields"]:
                raise CatalogueError("%s: the summary names {%s}, which is not a field of the event" % (t, ref))
        for path, kind in ev.get("labels", {}).items():
            if path.split(".")[0] not in ev["fields"]:
                raise CatalogueError("%s: labels names %s, which is not a field of the event" % (t, path))
            if not isinstance(kind, str) or not LABEL_RE.match(kind):
                raise CatalogueError("%s: labels gives %s the vocabulary %r, not a lower-case word" % (t, path, kind))
    return cat


# ---- the console's templates (web/i18n/<lang>.json, event.<type>) ----

def placeholders(text, where):
    """The field paths a template names, sorted, and apart those it counts ({#list})."""
    counted = re.findall(r"\{#([a-z_][a-z_0-9.]*)\}", text)
    return sorted(template_refs(text, where)), sorted(counted)


def write_catalogue(path, cat):
    """Sets the event.<type> keys of the catalogue at `path` to the summaries of `cat`, in place: one block,
    in the order of src/events.json, where the first event.* key was (at the end when there was none);
    a key of no type is removed, every other key is left as it is."""
    with open(path, encoding="utf-8") as f:
        old = f.read()
    msgs = json.loads(old)
    want = {"event." + ev["type"]: ev["summary"] for ev in cat["events"]}
    out = {}
    for k, v in msgs.items():
        if not k.startswith("event."):
            out[k] = v
        elif not out.keys() & want.keys():
            out.update(want)
    out.update({k: v for k, v in want.items() if k not in out})
    text = json.dumps(out, ensure_ascii=False, indent=2) + "\n"
    if text != old:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def check_catalogue(path, cat):
    """What is wrong with the event.* templates of the catalogue at `path`: a list of strings."""
    with open(path, encoding="utf-8") as f:
        pairs = json.load(f, object_pairs_hook=lambda kv: kv)
    problems, seen = [], {}
    for k, v in pairs:
        if k.startswith("event."):
            seen.setdefault(k[6:], []).append(v)
    types = {ev["type"]: ev for ev in cat["events"]}
    for t, ev in types.items():
        vals = seen.get(t, [])
        if len(vals) != 1:
            problems.append("event.%s: %d templates, not one" % (t, len(vals)))
            continue
        try:
            if placeholders(vals[0], "event." + t) != placeholders(ev["summary"], t):
                problems.append("event.%s names other fields than the summary of src/events.json "
                                "(run tools/events.py --catalogue)" % t)
        except CatalogueError as e:
            problems.append(str(e))
    problems += ["event.%s: no such event type" % t for t in seen if t not in types]
    return problems


def c_string(s):
    out = []
    for b in s.encode("utf-8"):
        ch = chr(b)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 32 <= b < 127:
            out.append(ch)
        else:
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


def write_c(out_path, cat):
    bits = {"string": "WAM_EVF_STRING", "integer": "WAM_EVF_INTEGER", "number": "WAM_EVF_NUMBER",
            "boolean": "WAM_EVF_BOOLEAN", "array": "WAM_EVF_ARRAY", "object": "WAM_EVF_OBJECT",
            "null": "WAM_EVF_NULL", "any": "WAM_EVF_ANY"}
    events = sorted(cat["events"], key=lambda e: e["type"].encode())
    lines = ["/* generated from src/events.json by tools/events.py; do not edit */",
             '#include "ledger/events.h"', ""]
    for n, ev in enumerate(events):
        if not ev["fields"]:
            continue
        lines.append("static const wam_event_field fields_%d[] = {" % n)
        for name, spec in ev["fields"].items():
            kinds, required = parse_field(spec)
            lines.append("\t{%s, %s, %s}," % (c_string(name), " | ".join(bits[k] for k in kinds),
                                              "true" if required else "false"))
        lines.append("};")
    lines.append("")
    lines.append("const wam_event_type wam_event_types[] = {")
    for n, ev in enumerate(events):
        nreq = sum(1 for s in ev["fields"].values() if parse_field(s)[1])
        lines.append("\t{%s, %s, %s, %d, %d, %s}," % (
            c_string(ev["type"]), c_string(ev["room"]), "fields_%d" % n if ev["fields"] else "NULL",
            len(ev["fields"]), nreq, c_string(ev["summary"])))
    lines.append("};")
    lines.append("const size_t wam_event_type_count = %d;" % len(events))
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def docs_section(cat):
    out = [BEGIN, "", "| type | room | payload (`?` optional) | history line |", "|---|---|---|---|"]
    for ev in cat["events"]:
        fields = ", ".join("`%s`: %s" % (k, v.replace("|", "\\|")) for k, v in ev["fields"].items()) or "(empty)"
        summary = ev["summary"].replace("|", "\\|")
        out.append("| `%s` | %s | %s | `%s` |" % (ev["type"], ev["room"], fields, summary))
    out += ["", END]
    return "\n".join(out)


def rewrite_docs(text, cat):
    if BEGIN not in text or END not in text:
        raise CatalogueError("the document has no markers %s ... %s" % (BEGIN, END))
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + docs_section(cat) + tail


# ---- the types code passes to wam_ledger_append ----

FUNC_RE = re.compile(r"^[A-Za-z_][^;{}()]*?\b([A-Za-z_]\w*)\s*\(([^;{}]*?)\)\s*\{", re.M)
LIT_RE = re.compile(r'"((?:[^"\\]|\\.)*)"')


def call_args(text, name):
    """The argument text of every call to `name` in `text`."""
    for m in re.finditer(r"\b%s\s*\(" % re.escape(name), text):
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            j += 1
        yield text[m.end():j - 1]


def split_args(args):
    out, depth, cur = [], 0, ""
    for ch in args:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    out.append(cur.strip())
    return out


def emitted_types(src):
    """{type: [file, ...]}: the literals passed as the type to wam_ledger_append or
    wam_ledger_append_commit, directly, through a variable assigned in the same file, or through a
    function of the same file that passes one of its parameters on as the type."""
    found = {}
    for dirpath, _, files in os.walk(src):
        for fn in files:
            if not fn.endswith(".c"):
                continue
            path = os.path.join(dirpath, fn)
            text = open(path, encoding="utf-8").read()
            # name -> index of the argument that is the type
            senders = {"wam_ledger_append": 1, "wam_ledger_append_commit": 2}
            funcs = []
            for m in FUNC_RE.finditer(text):
                params = [p.split()[-1].strip("*") if p.split() else "" for p in split_args(m.group(2))]
                end = text.find("\n}", m.end())
                funcs.append((m.group(1), params, text[m.end():end if end > 0 else len(text)]))
            changed = True
            while changed:
                changed = False
                for name, params, body in funcs:
                    if name in senders:
                        continue
                    for sender, k in list(senders.items()):
                        for args in call_args(body, sender):
                            a = split_args(args)
                            if len(a) > k and a[k] in params:
                                senders[name] = params.index(a[k])
                                changed = True
                                break
                        if name in senders:
                            break
            for sender, k in senders.items():
                for args in call_args(text, sender):
                    a = split_args(args)
                    if len(a) <= k:
                        continue
                    arg = a[k]
                    texts = [arg]
                    if re.match(r"^[A-Za-z_]\w*$", arg):  # a variable: what it is assigned
                        texts = re.findall(r"\b%s\s*=\s*([^;=][^;]*);" % re.escape(arg), text)
                    for t in texts:
                        for lit in LIT_RE.findall(t):
                            if TYPE_RE.match(lit):
                                found.setdefault(lit, []).append(os.path.relpath(path, ROOT))
    return found


def check(doc, src, cat_path, i18n=I18N_EN):
    results = []

    def ok(cond, what, detail=""):
        results.append((cond, what, detail))

    try:
        cat = load(cat_path)
        ok(True, "the catalogue is well formed")
    except (CatalogueError, ValueError, KeyError) as e:
        ok(False, "the catalogue is well formed", str(e))
        cat = None
    if cat:
        text = open(doc, encoding="utf-8").read()
        try:
            fresh = rewrite_docs(text, cat)
            ok(fresh == text, "%s lists the catalogue's event types" % os.path.relpath(doc, ROOT),
               "out of date: run tools/events.py --docs %s" % os.path.relpath(doc, ROOT))
        except CatalogueError as e:
            ok(False, "the docs list the catalogue's event types", str(e))
        declared = {e["type"] for e in cat["events"]}
        emitted = emitted_types(src)
        missing = sorted(t for t in emitted if t not in declared)
        ok(not missing, "every event type src/ appends is in the catalogue",
           "; ".join("%s (%s)" % (t, ", ".join(sorted(set(emitted[t])))) for t in missing))
        ok(len(emitted) >= 40, "the scan of src/ finds the types it appends (%d)" % len(emitted),
           "found only %d: the scan no longer sees how src/ appends events" % len(emitted))
        problems = check_catalogue(i18n, cat)
        ok(not problems, "%s has one event.<type> template per type, naming the summary's fields"
           % os.path.relpath(i18n, ROOT), "; ".join(problems))
        # the translations beside it word the same fields (their words are theirs)
        here = os.path.dirname(os.path.abspath(i18n))
        for fn in sorted(os.listdir(here)):
            other = os.path.join(here, fn)
            if fn.endswith(".json") and not os.path.samefile(other, i18n):
                problems = check_catalogue(other, cat)
                ok(not problems, "%s: one event.<type> per type, naming the summary's fields"
                   % os.path.relpath(other, ROOT), "; ".join(p.replace(" (run tools/events.py --catalogue)", "")
                                                           for p in problems))
    print("1..%d" % len(results))
    for n, (cond, what, detail) in enumerate(results, 1):
        print("%sok %d - %s" % ("" if cond else "not ", n, what))
        if not cond and detail:
            print("# " + detail)
    return 0 if all(r[0] for r in results) else 1


def main(argv):
    if len(argv) >= 2 and argv[1] == "--docs":
        cat = load(argv[3] if len(argv) > 3 else CATALOGUE)
        text = open(argv[2], encoding="utf-8").read()
        fresh = rewrite_docs(text, cat)
        if fresh != text:
            with open(argv[2], "w", encoding="utf-8") as f:
                f.write(fresh)
        return 0
    if len(argv) >= 3 and argv[1] == "--catalogue":
        write_catalogue(argv[2], load(argv[3] if len(argv) > 3 else CATALOGUE))
        return 0
    if len(argv) >= 4 and argv[1] == "--check":
        return check(argv[2], argv[3], argv[4] if len(argv) > 4 else CATALOGUE, argv[5] if len(argv) > 5 else I18N_EN)
    if len(argv) == 3:
        write_c(argv[1], load(argv[2]))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except CatalogueError as e:
        sys.stderr.write("events.py: %s\n" % e)
        sys.exit(1)
