#!/usr/bin/env python3
"""Convert resolvelib's cheroot test index into a pyindex snapshot.

Source: /work/shared/conformance/resolvelib-cases.json (sarugaku/resolvelib
tests/functional/python/inputs, commit a0cb7c50b78028f840b238d8e1c391e0546f2325,
ISC licence), index "pypi-2020-11-17-cheroot", case "cheroot".
Keeps the projects reachable from the case's requirements through dependencies
without an extra marker, every version of each; drops the two versions that
are not PEP 440 (the README of the conformance data lists them).
Run: python3 convert.py /work/shared/conformance/resolvelib-cases.json
"""
import json, re, sys

data = json.load(open(sys.argv[1]))
index = data["indexes"]["pypi-2020-11-17-cheroot"]
case = next(c for c in data["cases"] if c["name"] == "cheroot")
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
name_re = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
bad_versions = {"18.1.0-0_py38h16f9016", "0.9.7.2.g16a294b"}

todo = [norm(name_re.match(r).group(1)) for r in case["requested"]]
seen = set()
while todo:
    n = todo.pop()
    if n in seen or n not in index:
        continue
    seen.add(n)
    for v, entry in index[n].items():
        for dep in entry["dependencies"]:
            if "extra" in dep:
                continue
            todo.append(norm(name_re.match(dep).group(1)))

snapshot = {"packages": {}}
for n in sorted(seen):
    snapshot["packages"][n] = {
        v: {"requires_dist": e["dependencies"]}
        for v, e in sorted(index[n].items()) if v not in bad_versions
    }
json.dump({"requested": case["requested"], "resolved": case["expected"]["resolved"]},
          open("case.json", "w"), indent=1, sort_keys=True)
json.dump(snapshot, open("snapshot.json", "w"), sort_keys=True, separators=(",", ":"))
print(len(seen), "projects,", sum(len(v) for v in snapshot["packages"].values()), "versions")
