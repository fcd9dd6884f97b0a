#!/usr/bin/env python3
"""Builds the web console (web/build.mjs, with the npm packages of
web/package-lock.json) and writes it as C for `wam serve`
(tools/embed_assets.py): every file the build produced, served from "/".

usage: build_web.py OUT.c WEB_DIR WORK_DIR DEPFILE
  DEPFILE receives every file the bundle was made from (make syntax).
"""
import os
import shutil
import subprocess
import sys

out_c, web, work, depfile = sys.argv[1:5]
if not os.path.isdir(os.path.join(web, "node_modules", "esbuild")):
    sys.exit("build_web.py: the console's npm packages are missing: run `make deps` "
             "(or `npm ci` in web/)")
shutil.rmtree(work, ignore_errors=True)
subprocess.run(["node", os.path.join(web, "build.mjs"), work], check=True)
files = [os.path.join(d, f) for d, _, fs in os.walk(work) for f in fs]
here = os.path.dirname(os.path.abspath(__file__))
subprocess.run([sys.executable, os.path.join(here, "embed_assets.py"), out_c, work] + files, check=True)
inputs = open(os.path.join(work, "..", "web-inputs.txt"), encoding="utf-8").read().split()
with open(depfile, "w", encoding="utf-8") as f:
    f.write(out_c.replace(" ", "\\ ") + ": " + " ".join(i.replace(" ", "\\ ") for i in inputs) + "\n")
