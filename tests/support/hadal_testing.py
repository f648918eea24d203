# SPDX-License-Identifier: MIT
"""Helpers for end-to-end tests that run the hadal executable (environment set by CTest)."""
import json
import os
import shlex
import subprocess
import sys
import tempfile

HADAL = os.environ.get("HADAL", "hadal")
MPIEXEC = os.environ.get("MPIEXEC", "mpiexec --oversubscribe --allow-run-as-root")
SOURCE_DIR = os.environ.get("SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SKIP = 77


def run(args, ranks=1, check=None, timeout=600, **kwargs):
    """Runs hadal with `args` (list) on `ranks` ranks; returns CompletedProcess (text)."""
    command = [HADAL] + list(args)
    if ranks > 1:
        command = shlex.split(MPIEXEC) + ["-n", str(ranks)] + command
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check is not None and result.returncode != check:
        sys.stderr.write(result.stdout + result.stderr)
        raise AssertionError(f"{' '.join(command)} exited {result.returncode}, expected {check}")
    return result


def case_path(*parts):
    return os.path.join(SOURCE_DIR, "cases", *parts)


def summary(directory):
    with open(os.path.join(directory, "summary.json")) as f:
        return json.load(f)


def workdir(name):
    return tempfile.mkdtemp(prefix=f"hadal_{name}_")


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def main(tests):
    """Runs the test named by argv[1] from the dict `tests`; prints a result line."""
    name = sys.argv[1]
    try:
        tests[name]()
    except AssertionError as error:
        print(f"FAIL {name}: {error}")
        sys.exit(1)
    print(f"PASS {name}")
