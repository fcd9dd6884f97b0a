#!/usr/bin/env python3
"""Every public header compiles on its own.

For each include/wam/*.h, a translation unit that includes only that header
is compiled with the project's warnings and -Werror (syntax only): a header
that leans on another being included first, uses a type it does not
include, or warns, fails. Prints TAP, one case per header.

usage: public_headers.py INCLUDE_DIR COMPILER [ARG...]
"""
import os
import subprocess
import sys
import tempfile

FLAGS = ["-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Wshadow", "-Wstrict-prototypes",
         "-Wmissing-prototypes", "-Werror", "-fsyntax-only"]


def main():
    inc = sys.argv[1]
    compiler = sys.argv[2:]
    headers = sorted(h for h in os.listdir(os.path.join(inc, "wam")) if h.endswith(".h"))
    print(f"1..{len(headers)}")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, h in enumerate(headers, 1):
            tu = os.path.join(tmp, h.replace(".h", "_alone.c"))
            with open(tu, "w", encoding="utf-8") as f:
                f.write(f'#include "wam/{h}"\ntypedef int header_alone;\n')
            run = subprocess.run(compiler + FLAGS + ["-I", inc, tu], capture_output=True, text=True)
            ok = run.returncode == 0
            print(f"{'ok' if ok else 'not ok'} {i} - wam/{h} compiles on its own")
            if not ok:
                failed += 1
                for line in (run.stdout + run.stderr).splitlines():
                    print(f"# {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
