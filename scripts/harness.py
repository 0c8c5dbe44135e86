#!/usr/bin/env python3
"""harness.py: the end-to-end cases compare-pip.sh and bench.sh run, and the comparison
of results.

  harness.py gen SHARED REPO OUTDIR
      Writes OUTDIR/snapshots/KEY.json (pyindex snapshots) and one folder per case,
      OUTDIR/cases/NAME/ with requirements.txt, python (the target Python version),
      index (the KEY of its snapshot) and, where upstream asserts one, expected.txt.
  harness.py diff PIP_OUT|- LOCK [EXPECTED]
      Compares pip's resolution (the NAME==VERSION lines `pyindex pip` prints) with the
      pins of a depsolve lock (and an expected resolution), by PEP 440 version equality.
      Prints one line per difference; exits 1 if pip and depsolve differ, or, when pip
      failed (PIP_OUT is "-"), if depsolve differs from EXPECTED.

Cases (all satisfiable, all served from a local index built by ../shared/tools/pyindex):
  resolvelib/NAME  the satisfiable cases of ../shared/conformance/resolvelib-cases.json,
                   each index converted to a snapshot (no requires-python, one
                   py3-none-any wheel per version). The three strings there that are not
                   valid PEP 440/508 (see its README) are skipped. Target: CPython 3.9,
                   linux x86_64 (see RESOLVELIB_PYTHON); expected.txt is
                   expected_standard_markers (standard marker evaluation).
  example/cuda     examples/cuda/snapshot.json and requirements.txt, Python 3.11.
  corpus/NAME      ../shared/corpus/index-snapshot.json (every index it names; pip reads
                   the pypi one) with small requirement sets over packages it holds,
                   Python 3.11. Its uv-derived entries have no version specifiers and no
                   requires-python, so pip and depsolve see the same, looser metadata.
Uses pip's vendored packaging (pip is what is compared against, so it is present).
"""
import functools
import json
import os
import re
import sys

from pip._vendor.packaging.requirements import InvalidRequirement, Requirement
from pip._vendor.packaging.utils import canonicalize_name
from pip._vendor.packaging.version import InvalidVersion, Version

# pyindex runs pip with --only-binary=:all:; depsolve would otherwise also pick sdists
# (whose stub PKG-INFO carries the metadata), so each case says it in the file, for both.
ONLY_BINARY = "--only-binary :all:\n"

# Upstream's environment is CPython 3.12, but these are PyPI indexes of 2020: depsolve's
# matrix knows, for one, that numpy before 1.26 has no Python 3.12 wheels, and so finds
# pandas 1.0 uninstallable there. The expected results were re-checked with Python 3.9
# (see the conformance README), a Python of that time.
RESOLVELIB_PYTHON = "3.9"

# `depsolve check` verifies a file whose every requirement is an exact == pin as a lock
# (all dependencies pinned too), so these use ==X.Y.* where one version is meant.
CORPUS_CASES = {
    "torch-2.5": "torch==2.5.*\n",
    "torch-vision-numpy1": "torch==2.5.1\ntorchvision==0.20.1\nnumpy<2\n",
    "transformers-torch": "transformers==4.46.*\ntorch==2.5.*\n",
    "torch-range-transformers": "torch>=2.4,<2.6\nnumpy<2\ntransformers\n",
    "tensorflow-2.15": "tensorflow==2.15.*\n",
    "tensorflow-and-cuda": "tensorflow[and-cuda]==2.19.*\n",
    "jax-cuda12": "jax[cuda12]==0.5.*\n",
}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


@functools.cache
def valid_requirement(dep):
    try:
        # pip's packaging still accepts legacy specifiers ("(>=18.5decorator)")
        for spec in Requirement(dep).specifier:
            if spec.operator != "===":
                Version(spec.version.removesuffix(".*"))
    except (InvalidRequirement, InvalidVersion):
        return False
    return True


def resolvelib_snapshot(index, skipped):
    packages = {}
    for name, versions in sorted(index.items()):
        for version, entry in sorted(versions.items()):
            try:
                Version(version)
            except InvalidVersion:
                skipped.append(f"{name} {version}: not a PEP 440 version")
                continue
            deps = []
            for dep in entry.get("dependencies", []):
                if not valid_requirement(dep):
                    skipped.append(f"{name} {version}: dependency {dep!r} is not PEP 508")
                    continue
                deps.append(dep)
            packages.setdefault(name, {})[version] = {"requires_dist": deps} if deps else {}
    return {"packages": packages}


def gen(shared, repo, out):
    with open(os.path.join(shared, "conformance", "resolvelib-cases.json")) as f:
        rl = json.load(f)
    skipped = []
    for case in rl["cases"]:
        expected = case["expected_standard_markers"]
        if expected == "same as expected":
            expected = case["expected"]
        if not expected.get("satisfiable"):
            continue
        key = "resolvelib-" + case["index"]
        snap = os.path.join(out, "snapshots", key + ".json")
        if not os.path.exists(snap):
            write(snap, json.dumps(resolvelib_snapshot(rl["indexes"][case["index"]], skipped)))
        d = os.path.join(out, "cases", "resolvelib", case["name"])
        write(os.path.join(d, "requirements.txt"), ONLY_BINARY + "".join(r + "\n" for r in case["requested"]))
        write(os.path.join(d, "python"), RESOLVELIB_PYTHON + "\n")
        write(os.path.join(d, "index"), key + "\n")
        write(os.path.join(d, "expected.txt"),
              "".join(f"{n}=={v}\n" for n, v in sorted(expected["resolved"].items())))
    for s in skipped:
        print("harness.py: skipped " + s, file=sys.stderr)

    with open(os.path.join(repo, "examples", "cuda", "snapshot.json")) as f:
        write(os.path.join(out, "snapshots", "example-cuda.json"), f.read())
    d = os.path.join(out, "cases", "example", "cuda")
    with open(os.path.join(repo, "examples", "cuda", "requirements.txt")) as f:
        write(os.path.join(d, "requirements.txt"), ONLY_BINARY + f.read())
    write(os.path.join(d, "python"), "3.11\n")
    write(os.path.join(d, "index"), "example-cuda\n")

    corpus = os.path.join(shared, "corpus", "index-snapshot.json")
    link = os.path.join(out, "snapshots", "corpus.json")
    if not os.path.exists(link):
        os.symlink(os.path.abspath(corpus), link)
    for name, reqs in CORPUS_CASES.items():
        d = os.path.join(out, "cases", "corpus", name)
        write(os.path.join(d, "requirements.txt"), ONLY_BINARY + reqs)
        write(os.path.join(d, "python"), "3.11\n")
        write(os.path.join(d, "index"), "corpus\n")


PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def pins(path):
    """NAME==VERSION lines (NAME[EXTRAS]==VERSION in a lock) of a pip report, a lock or an
    expected file, by normalized name."""
    found = {}
    with open(path) as f:
        for line in f:
            m = PIN.match(line.strip())
            if m:
                found[canonicalize_name(m.group(1))] = m.group(2)
    return found


def differences(label, theirs, ours):
    lines = []
    for name in sorted(set(theirs) | set(ours)):
        a, b = theirs.get(name), ours.get(name)
        if a is None or b is None or Version(a) != Version(b):
            lines.append(f"  {name}: {label} {a or '-'}, depsolve {b or '-'}")
    return lines


def diff(pip_out, lock, expected=None):
    """Exit status 1 when depsolve differs from pip or, where pip failed ("-"), from
    upstream's expected resolution."""
    ours = pins(lock)
    against_pip = differences("pip", pins(pip_out), ours) if pip_out != "-" else []
    against_upstream = differences("upstream expects", pins(expected), ours) if expected else []
    print("\n".join(against_pip + against_upstream), end="\n" if against_pip + against_upstream else "")
    if pip_out == "-":
        return 1 if against_upstream or not expected else 0
    return 1 if against_pip else 0


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "gen":
        gen(*sys.argv[2:])
        return 0
    if len(sys.argv) in (4, 5) and sys.argv[1] == "diff":
        return diff(*sys.argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
