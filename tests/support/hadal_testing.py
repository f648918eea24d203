# SPDX-License-Identifier: MIT
"""Helpers for end-to-end tests that run the hadal executable (environment set by CTest)."""
import importlib
import json
import os
import shlex
import shutil
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


_work_dirs = []


def workdir(name):
    """A fresh directory for a test's outputs: removed when the test passes or is skipped, kept (and
    named in the failure message) when it fails."""
    path = tempfile.mkdtemp(prefix=f"hadal_{name}_")
    _work_dirs.append(path)
    return path


def _remove_work_dirs():
    for path in _work_dirs:
        shutil.rmtree(path, ignore_errors=True)


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
        if _work_dirs:
            print("outputs kept in " + " ".join(_work_dirs))
        sys.exit(1)
    except SystemExit as stop:
        if stop.code == SKIP:
            _remove_work_dirs()
        raise
    _remove_work_dirs()
    print(f"PASS {name}")


def find_tool(name):
    """Path of the executable `name` as the machine has it now, or None.

    Optional tools are looked up when a test runs, never taken from CMake's cache: a cache written
    before the tool was installed would otherwise hold a stale NOTFOUND. PVPYTHON=/path overrides the
    lookup of pvpython (a ParaView outside PATH); it counts only if it names an executable."""
    if name == "pvpython":
        override = os.environ.get("PVPYTHON", "")
        if override and os.path.isfile(override) and os.access(override, os.X_OK):
            return override
    found = shutil.which(name)
    if found is None and os.path.isfile(os.path.join("/usr/bin", name)) and os.access(os.path.join("/usr/bin", name), os.X_OK):
        found = os.path.join("/usr/bin", name)
    return found


def importable(module):
    try:
        importlib.import_module(module)
        return True
    except ImportError:
        return False


def require(*tools, modules=()):
    """Skips the test (exit 77, the reason on stdout) unless every executable in `tools` and every
    Python module in `modules` is there. CTest reports such a test as skipped, not failed.
    scripts/test installs the tools and sets HADAL_TEST_TOOLS_INSTALLED=1: there a missing tool means
    a broken lookup, and the test fails instead of skipping."""
    missing = [t for t in tools if find_tool(t) is None]
    missing += [f"Python module {m}" for m in modules if not importable(m)]
    if not missing:
        return
    if os.environ.get("HADAL_TEST_TOOLS_INSTALLED") == "1":
        print(f"FAIL: needs {', '.join(missing)}, which scripts/test installed but the test cannot find")
        sys.exit(1)
    print(f"SKIP: needs {', '.join(missing)}, not installed here (scripts/test installs the test tools)")
    sys.exit(SKIP)


def run_headless_pvpython(arguments, attempts=3, timeout=300):
    """Runs pvpython under a fresh Xvfb (xvfb-run -a). ParaView 5.11 sometimes aborts while probing
    OpenGL on a just-started Xvfb (SIGABRT/SIGSEGV inside vtkOpenGLRenderWindow::SupportsOpenGL);
    such crashes of the display stack are retried, any other failure is returned at once.
    Call require("pvpython", "xvfb-run") first."""
    command = ["xvfb-run", "-a", find_tool("pvpython"), "--force-offscreen-rendering"] + list(arguments)
    for attempt in range(attempts):
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        crashed = result.returncode in (134, 139, -6, -11) and "SupportsOpenGL" in result.stdout + result.stderr
        if not crashed:
            return result
        print(f"ParaView crashed while probing OpenGL (attempt {attempt + 1}); retrying")
    return result
