#!/usr/bin/env python3
"""The routes `wam serve` registers and docs/api/openapi.yaml agree.

Compares `$WAM serve --routes --json` (the table in src/http/routes.c) with
the operations under `paths:` in the OpenAPI document, both ways, and checks
that each operation's x-wam-action is the route's action and that
x-wam-national is true exactly where the route is refused to callers
confined to sites. Prints TAP: one case per route the server registers,
then one per direction of the set comparison.

usage: WAM=build/wam api_routes.py [openapi.yaml]
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "..", "..", "docs", "api", "openapi.yaml")
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
PATH_KEYS = {"parameters", "summary", "description", "servers"}


class SpecError(Exception):
    pass


def read_paths(text):
    """The operations under `paths:` as {(METHOD, path): {extension: value}}.

    There is no YAML parser in Python's standard library, so this is a small
    line reader that relies on the document's consistent layout: 2-space
    indentation, block style, one key per line; each path a key at indent 2
    ending in ':', each method a key at indent 4, each operation's keys at
    indent 6. Block scalars (`key: |`, `key: >`) are skipped whole. Anything
    it does not expect in that section is an error rather than a guess, so a
    change of layout fails the test instead of hiding a route.
    """
    ops = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines) and lines[i].rstrip() != "paths:":
        i += 1
    if i == len(lines):
        raise SpecError("no top-level 'paths:' line")
    path = op = None
    block = None  # indent of a block scalar's key while skipping its text
    for n in range(i + 1, len(lines)):
        raw = lines[n]
        where = f"line {n + 1}"
        if "\t" in raw:
            raise SpecError(f"{where}: a tab")
        line = raw.rstrip()
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if block is not None:
            if not stripped or indent > block:
                continue
            block = None
        if not stripped or stripped.startswith("#"):
            continue
        if indent == 0:
            break  # the next top-level key ends the section
        if indent % 2:
            raise SpecError(f"{where}: indentation of {indent} spaces is not a multiple of 2")
        key_match = re.match(r"([^\s:#][^:#]*?|\"[^\"]*\"):(?:\s+(.*))?$", stripped)
        is_item = stripped.startswith("- ")
        if key_match and not is_item:
            key = key_match.group(1).strip('"')
            value = (key_match.group(2) or "").strip()
            if re.fullmatch(r"[|>][+-]?", value):
                block = indent
        elif not is_item:
            raise SpecError(f"{where}: not a 'key: value' line: {stripped!r}")
        if indent == 2:
            if is_item or not key.startswith("/") or value:
                raise SpecError(f"{where}: expected a path such as '/api/v1/items:', found {stripped!r}")
            path, op = key, None
            if any(p == path for _, p in ops):
                raise SpecError(f"{where}: path {path} appears twice")
        elif indent == 4:
            if path is None or is_item:
                raise SpecError(f"{where}: {stripped!r} outside a path")
            op = None
            if key in METHODS:
                if value:
                    raise SpecError(f"{where}: method {key} must open a block")
                op = (key.upper(), path)
                if op in ops:
                    raise SpecError(f"{where}: {key} {path} appears twice")
                ops[op] = {}
            elif key not in PATH_KEYS:
                raise SpecError(f"{where}: unexpected key {key!r} in path {path}")
        elif indent == 6 and op is not None and not is_item and key.startswith("x-wam-"):
            if key in ops[op]:
                raise SpecError(f"{where}: {key} twice in {op[0]} {op[1]}")
            ops[op][key] = value
        elif path is None:
            raise SpecError(f"{where}: {stripped!r} outside a path")
    return ops


def server_routes(wam):
    """The routes of `wam serve --routes --json`: [{method, path, action, national}]."""
    run = subprocess.run([wam, "--json", "serve", "--routes"], capture_output=True, text=True, timeout=30)
    if run.returncode != 0:
        raise SpecError(f"{wam} --json serve --routes exited {run.returncode}: {run.stderr.strip()}")
    return json.loads(run.stdout)


def main():
    wam = os.environ.get("WAM")
    spec = sys.argv[1] if len(sys.argv) > 1 else SPEC
    try:
        if not wam:
            raise SpecError("WAM must name the wam binary")
        routes = server_routes(wam)
        with open(spec, encoding="utf-8") as f:
            ops = read_paths(f.read())
    except (SpecError, OSError, ValueError, subprocess.SubprocessError) as e:
        print("1..1")
        print("not ok 1 - read the routes and docs/api/openapi.yaml")
        print(f"#   {e}")
        return 1

    cases = []  # (ok, name, details)
    for r in routes:
        key = (r["method"], r["path"])
        name = f"{r['method']} {r['path']} is in openapi.yaml with x-wam-action {r['action']}"
        if r["national"]:
            name += " and x-wam-national true"
        op = ops.get(key)
        if op is None:
            cases.append((False, name, ["the operation is missing from openapi.yaml"]))
            continue
        problems = []
        action = op.get("x-wam-action")
        if action is None:
            problems.append("it has no x-wam-action")
        elif action.strip("\"'") != r["action"]:
            problems.append(f"x-wam-action is {action!r}, the server says {r['action']!r}")
        national = op.get("x-wam-national", "false")
        if national not in ("true", "false"):
            problems.append(f"x-wam-national is {national!r}, not true or false")
        elif (national == "true") != bool(r["national"]):
            problems.append(f"x-wam-national is {national}, the server says {str(bool(r['national'])).lower()}")
        cases.append((not problems, name, problems))

    served = {(r["method"], r["path"]) for r in routes}
    documented = set(ops)
    missing = sorted(served - documented)
    extra = sorted(documented - served)
    cases.append((not missing, "every route the server registers is in openapi.yaml",
                  [f"not documented: {m} {p}" for m, p in missing]))
    cases.append((not extra, "every operation in openapi.yaml is a route the server registers",
                  [f"not served: {m} {p}" for m, p in extra]))

    print(f"1..{len(cases)}")
    failed = 0
    for n, (good, name, details) in enumerate(cases, 1):
        print(f"{'ok' if good else 'not ok'} {n} - {name}")
        for d in details:
            print(f"#   {d}")
        failed += not good
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
