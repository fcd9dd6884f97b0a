#!/usr/bin/env python3
"""The shared libwam exports exactly what include/wam/ declares.

Reads every public header (include/wam/*.h), finds the functions it
declares, and checks, as TAP:
  - each header marks every function it declares with WAM_API (a function
    without it is compiled hidden, and a front end could not link it);
  - the dynamic symbols libwam.so defines (`nm -D --defined-only`) are
    exactly the functions the headers declare, both ways: nothing of the
    library's inside is exported, nothing declared is missing;
  - the functions of wam/serve.h, which the server library (libwamhttp)
    holds rather than libwam, are defined there.

usage: public_api.py NM LIBWAM_SO LIBWAMHTTP_A INCLUDE_DIR
"""
import os
import re
import subprocess
import sys

# the server's header: its functions live in libwamhttp, not libwam
SERVER_HEADERS = {"serve.h"}
# symbols the linker defines in every shared object
LINKER_SYMBOLS = {"_init", "_fini", "_edata", "_end", "__bss_start"}


def declarations(text):
    """The functions and data a header declares, as [(name, marked)]:
    top-level statements, outside braces and outside typedefs, that have a
    parameter list or are extern. Comments, the C++ guards and preprocessor lines are dropped first."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"#ifdef __cplusplus.*?#endif", " ", text, flags=re.S)
    text = re.sub(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", " ", text, flags=re.M)
    found = []
    depth = 0
    stmt = ""
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and ch == ";":
            s = " ".join(stmt.split())
            stmt = ""
            marked = re.match(r"WAM_API\b", s) is not None
            if not s.startswith("typedef") and "(" in s:
                head = s[: s.index("(")]
                m = re.search(r"(\w+)\s*$", head)
                if m:
                    found.append((m.group(1), marked))
            elif re.search(r"\bextern\b", s):  # data: extern const char *const wam_x[]
                m = re.search(r"(\w+)\s*(?:\[[^\]]*\])?\s*$", s)
                if m:
                    found.append((m.group(1), marked))
        elif depth == 0:
            stmt += ch
    return found


def defined(nm, args, path):
    out = subprocess.run([nm] + args + [path], check=True, capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in "TWDBRVi":
            names.add(parts[2].split("@")[0])
    return names


def main():
    nm, so, http_a, inc = sys.argv[1:5]
    headers = sorted(h for h in os.listdir(inc) if h.endswith(".h"))
    lib_decl, server_decl = set(), set()
    cases = []
    for h in headers:
        with open(os.path.join(inc, h), encoding="utf-8") as f:
            decls = declarations(f.read())
        unmarked = sorted(n for n, marked in decls if not marked)
        cases.append((not unmarked, f"wam/{h}: all {len(decls)} functions are marked WAM_API",
                      "not marked: " + ", ".join(unmarked)))
        (server_decl if h in SERVER_HEADERS else lib_decl).update(n for n, _ in decls)
    exported = defined(nm, ["-D", "--defined-only"], so) - LINKER_SYMBOLS
    extra = sorted(exported - lib_decl)
    missing = sorted(lib_decl - exported)
    cases.append((lib_decl and not extra, f"libwam.so exports nothing include/wam/ does not declare "
                  f"({len(exported)} exported)", "exported but not declared: " + ", ".join(extra)))
    cases.append((lib_decl and not missing, f"libwam.so exports all {len(lib_decl)} functions include/wam/ declares",
                  "declared but not exported: " + ", ".join(missing)))
    in_server = defined(nm, ["--defined-only", "-g"], http_a)
    absent = sorted(server_decl - in_server)
    cases.append((server_decl and not absent, f"the server library defines the {len(server_decl)} functions of "
                  "wam/serve.h", "declared but not defined: " + ", ".join(absent)))
    print(f"1..{len(cases)}")
    failed = 0
    for i, (ok, name, why) in enumerate(cases, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok:
            failed += 1
            print(f"# {why}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
