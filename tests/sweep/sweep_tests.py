#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of `hadal sweep` and `hadal submit`: local sweeps (skip, failure, interrupt and
resume), collect + plots, and the Slurm/PBS job scripts (golden files, syntax, and a real
checkpoint-and-resubmit chain with stand-in srun/sbatch/mpiexec/qsub)."""
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import h5py  # noqa: E402
import numpy as np  # noqa: E402
from hadal_testing import HADAL, SOURCE_DIR, case_path, expect, main, require, workdir  # noqa: E402

# `hadal sweep` once the command is wired into hadal; the stand-alone tool until then.
SWEEP_CLI = os.environ.get("HADAL_SWEEP_CLI", HADAL)
HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")
DIFFUSION = case_path("verification", "diffusion.yaml")


def sweep(args, cwd, check=None, timeout=600, env=None):
    environment = dict(os.environ, HADAL=HADAL, HADAL_SCRIPTS_DIR=os.path.join(SOURCE_DIR, "scripts"))
    environment.update(env or {})
    command = [SWEEP_CLI] + (args if args[0] == "submit" else ["sweep"] + args)
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                            env=environment)
    if check is not None and result.returncode != check:
        sys.stderr.write(result.stdout + result.stderr)
        raise AssertionError(f"sweep {' '.join(args)} exited {result.returncode}, expected {check}")
    return result


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def png_is_drawn(path):
    """True when the PNG exists and is not blank: many distinct colours, much non-background."""
    import matplotlib.image as mpimg
    if not os.path.exists(path) or os.path.getsize(path) < 2000:
        return False
    image = mpimg.imread(path)[..., :3]
    background = image[0, 0]
    differs = np.any(np.abs(image - background) > 0.02, axis=-1).mean()
    colours = len(np.unique((image.reshape(-1, 3) * 255).astype(np.uint8), axis=0))
    return differs > 0.02 and colours > 20


def last_checkpoint(run_dir):
    names = sorted(os.listdir(os.path.join(run_dir, "checkpoints")))
    with h5py.File(os.path.join(run_dir, "checkpoints", names[-1]), "r") as f:
        return f["fields/concentration"][...], float(f.attrs["time"])


def test_local_and_collect():
    d = workdir("sweep_local")
    r = sweep([os.path.join(SOURCE_DIR, "cases", "sweeps", "diffusion_check.yaml"), "--local", "-j", "2"], d, check=0)
    print(r.stdout)
    folder = os.path.join(d, "sweeps", "diffusion-check")
    expect("0 failed" in r.stdout, r.stdout)
    r = sweep(["collect", folder, "--no-plots"], d, check=0)
    expect(not os.path.exists(os.path.join(folder, "plots")), "--no-plots drew plots")
    table = {row["member"]: row for row in rows(os.path.join(folder, "results.csv"))}
    expect(len(table) == 4 and all(row["state"] == "done" for row in table.values()), str(table))
    # The parameters reached the runs: the problem is linear in mass (same error, 10x the mass) and the
    # exact peak scales as kx^-1/2 (kx 0.05 -> 0.2 halves it). Both hold to round-off.
    m = {k: {c: float(v) for c, v in row.items() if c in ("mass", "kx", "mass_initial_kg", "mass_final_kg",
                                                            "l2_rel_error", "peak_exact_kg_m3")}
         for k, row in table.items()}
    expect(m["m0000"]["mass"] == 1 and m["m0002"]["mass"] == 10 and m["m0001"]["kx"] == 0.2, str(m))
    ratio = m["m0002"]["mass_initial_kg"] / m["m0000"]["mass_initial_kg"]
    expect(abs(ratio - 10) < 1e-12, f"mass ratio {ratio}")
    expect(abs(m["m0002"]["l2_rel_error"] - m["m0000"]["l2_rel_error"]) < 1e-12, "error depends on the mass")
    peak = m["m0000"]["peak_exact_kg_m3"] / m["m0001"]["peak_exact_kg_m3"]
    expect(abs(peak - 2) < 1e-12, f"peak ratio {peak}")
    for row in m.values():
        expect(abs(row["mass_final_kg"] / row["mass_initial_kg"] - 1) < 1e-12, "mass not conserved")
    # Again: every member is complete, nothing runs, nothing changes.
    before = os.path.getmtime(os.path.join(folder, "runs", "m0003", "summary.json"))
    r = sweep([os.path.join(SOURCE_DIR, "cases", "sweeps", "diffusion_check.yaml"), "--local"], d, check=0)
    expect("4 already done" in r.stdout and "0 to run" in r.stdout, r.stdout)
    expect(os.path.getmtime(os.path.join(folder, "runs", "m0003", "summary.json")) == before, "rerun touched m0003")
    # A changed sweep may not relabel finished results.
    changed = write(os.path.join(d, "changed.yaml"), open(os.path.join(SOURCE_DIR, "cases", "sweeps",
                                                                      "diffusion_check.yaml")).read()
                    .replace("base: ../verification", "base: " + os.path.join(SOURCE_DIR, "cases", "verification"))
                    .replace("[1 kg, 10 kg]", "[2 kg, 10 kg]"))
    r = sweep([changed, "-o", folder], d, check=2)
    expect("already has results for a different case" in r.stderr, r.stderr)


def test_collect_plots():
    """`collect` draws one plot per (metric, parameter) pair, none blank; without matplotlib it warns,
    keeps results.csv and exits 0 (plots are optional post-processing)."""
    d = workdir("sweep_plots")
    sweep([os.path.join(SOURCE_DIR, "cases", "sweeps", "diffusion_check.yaml"), "--local", "-j", "2"], d, check=0)
    folder = os.path.join(d, "sweeps", "diffusion-check")
    hidden = os.path.join(d, "no_matplotlib")  # a module of that name that fails to import hides the real one
    os.makedirs(os.path.join(hidden, "matplotlib"))
    write(os.path.join(hidden, "matplotlib", "__init__.py"), "raise ImportError('hidden by the test')\n")
    r = sweep(["collect", folder], d, check=0, env={"PYTHONPATH": hidden})
    expect("matplotlib" in r.stderr and "no plots" in r.stderr, r.stderr)
    expect(os.path.exists(os.path.join(folder, "results.csv")), "results.csv missing")
    require(modules=("matplotlib",))
    sweep(["collect", folder], d, check=0)
    plots = sorted(os.listdir(os.path.join(folder, "plots")))
    print("plots:", plots)
    expect("l2_rel_error_vs_kx.png" in plots, str(plots))
    for p in plots:
        expect(png_is_drawn(os.path.join(folder, "plots", p)), f"{p} is blank")


def test_failing_member():
    d = workdir("sweep_fail")
    spec = write(os.path.join(d, "fail.yaml"), f"""name: fail
base: {DIFFUSION}
set: {{output.interval: 30 min}}
parameters:
  - name: time_settings
    key: time
    values: [{{end: 30 min}}, {{end: 400 h, dt: 20 min}}, {{end: 1 h}}]
    labels: [stable, unstable, stable_longer]
    group: g
  - name: cells
    key: grid.cells
    values: [[20, 16, 10], [80, 64, 20], [20, 16, 10]]
    group: g
""")
    r = sweep([spec, "--local", "-j", "1"], d, check=1)
    print(r.stdout)
    expect("m0001 FAILED (numerical failure)" in r.stdout, r.stdout)
    expect("non-finite" in r.stdout, "the failure reason is not shown")
    expect("[3/3] m0002 done" in r.stdout, "the sweep did not continue past the failed member")
    folder = os.path.join(d, "sweeps", "fail")
    r = sweep(["status", folder], d, check=1)
    expect(re.search(r"m0001\s+failed \(exit 3", r.stdout) is not None, r.stdout)
    sweep(["collect", folder, "--no-plots"], d, check=0)
    table = {row["member"]: row for row in rows(os.path.join(folder, "results.csv"))}
    expect(table["m0001"]["state"] == "failed" and table["m0001"]["exit_code"] == "3", str(table["m0001"]))
    expect(table["m0001"]["time_settings"] == "unstable" and table["m0002"]["state"] == "done", str(table))
    # Failed members are not retried unless asked.
    r = sweep([spec, "--local"], d, check=1)
    expect("2 already done, 1 failed earlier" in r.stdout and "0 to run" in r.stdout, r.stdout)
    # Invalid members stop the sweep before anything runs.
    bad = write(os.path.join(d, "bad.yaml"), f"""base: {DIFFUSION}
parameters:
  - {{name: mass, key: diffusion.mass, values: [1 kg, -2 kg]}}
""")
    r = sweep([bad, "--local"], d, check=2)
    expect("m0001.yaml" in r.stderr and "diffusion.mass" in r.stderr, r.stderr)
    expect(not os.path.exists(os.path.join(d, "sweeps", "bad", "runs", "m0000", "summary.json")), "a member ran")


def test_interrupt_and_resume():
    d = workdir("sweep_signal")
    spec = write(os.path.join(d, "slow.yaml"), f"""name: slow
base: {DIFFUSION}
set: {{grid.cells: [160, 128, 20], time.end: 16 h}}
parameters:
  - {{name: mass, key: diffusion.mass, values: [5 kg, 10 kg]}}
""")
    reference = os.path.join(d, "reference")
    subprocess.run([HADAL, "run", DIFFUSION, "-o", reference, "-q", "--set", "grid.cells=[160, 128, 20]",
                    "--set", "time.end=16 h", "--set", "diffusion.mass=10 kg"], check=True, capture_output=True)
    env = dict(os.environ, HADAL=HADAL)
    process = subprocess.Popen([SWEEP_CLI, "sweep", spec, "--local", "-j", "2"], cwd=d, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(2.5)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=300)
    print(out)
    if process.returncode == 0:
        print("note: the sweep finished before the signal; interrupt path not exercised on this machine")
        return
    expect(process.returncode == 75, f"exit {process.returncode}, expected 75\n{out}\n{err}")
    expect("members checkpoint and stop" in out and "checkpointed" in out, out)
    r = sweep([spec, "--local", "-j", "2"], d, check=0)
    expect("resumes from its checkpoint" in r.stdout, r.stdout)
    a, ta = last_checkpoint(reference)
    b, tb = last_checkpoint(os.path.join(d, "sweeps", "slow", "runs", "m0001"))
    expect(ta == tb and np.array_equal(a, b), "interrupted + resumed member differs from an uninterrupted run")
    print("interrupted and resumed member is bitwise identical to the uninterrupted run")


# ---------------------------------------------------------------------------------------------
# Queue scripts

SBATCH_OPTIONS = {"job-name": r"[\w.-]+", "array": r"\d+(-\d+)?(%\d+)?", "nodes": r"\d+", "ntasks-per-node": r"\d+",
                  "time": r"(\d+-)?\d+:\d\d:\d\d", "account": r"\S+", "partition": r"\S+",
                  "signal": r"(B:)?(R:)?(USR1|USR2|TERM|INT|\d+)(@\d+)?", "output": r"/\S+", "open-mode": r"append|truncate",
                  "mail-type": r"[A-Z_,]+", "constraint": r"\S+", "qos": r"\S+"}
PBS_OPTIONS = {"-N": r"[A-Za-z][\w.-]{0,14}", "-J": r"\d+-\d+(:\d+)?", "-l": r"(select=\d+:ncpus=\d+:mpiprocs=\d+|walltime=\d+:\d\d:\d\d)",
               "-A": r"\S+", "-q": r"\S+", "-j": r"oe|eo|n", "-o": r"/\S+", "-r": r"y|n", "-W": r"max_run_subjobs=\d+",
               "-v": r"\S+"}


def check_directives(path, scheduler):
    """What sbatch/qsub would do with the header: directives before the first command, known options,
    well-formed values; then bash -n and (if present) shellcheck and sbatch --test-only."""
    lines = open(path).read().splitlines()
    expect(lines[0] == "#!/bin/bash", f"{path}: no bash shebang")
    prefix = "#SBATCH " if scheduler == "slurm" else "#PBS "
    seen_command = False
    count = 0
    for n, line in enumerate(lines[1:], 2):
        if line.startswith(prefix):
            expect(not seen_command, f"{path}:{n}: directive after the first command is ignored by the scheduler")
            body = line[len(prefix):].strip()
            count += 1
            if scheduler == "slurm":
                m = re.fullmatch(r"--([a-z-]+)=(.+)", body)
                expect(m is not None, f"{path}:{n}: not --option=value: {body}")
                expect(m.group(1) in SBATCH_OPTIONS, f"{path}:{n}: unknown sbatch option {m.group(1)}")
                expect(re.fullmatch(SBATCH_OPTIONS[m.group(1)], m.group(2)) is not None, f"{path}:{n}: bad value {body}")
            else:
                option, _, value = body.partition(" ")
                expect(option in PBS_OPTIONS, f"{path}:{n}: unknown qsub option {option}")
                expect(re.fullmatch(PBS_OPTIONS[option], value) is not None, f"{path}:{n}: bad value {body}")
        elif line.strip() and not line.startswith("#"):
            seen_command = True
    expect(count >= 5, f"{path}: only {count} directives")
    r = subprocess.run(["bash", "-n", path], capture_output=True, text=True)
    expect(r.returncode == 0, f"bash -n {path}: {r.stderr}")
    if shutil.which("shellcheck"):
        r = subprocess.run(["shellcheck", "-S", "warning", path], capture_output=True, text=True)
        expect(r.returncode == 0, f"shellcheck {path}:\n{r.stdout}")
    tool = "sbatch" if scheduler == "slurm" else None
    if tool and shutil.which(tool):
        r = subprocess.run([tool, "--test-only", path], capture_output=True, text=True)
        expect(r.returncode == 0, f"sbatch --test-only {path}: {r.stderr}")


def normalised(path, d):
    text = open(path).read()
    for old, new in ((d, "@WORK@"), (os.path.abspath(HADAL), "@HADAL@"), (os.path.abspath(SOURCE_DIR), "@SOURCE@")):
        text = text.replace(old, new)
    return text


def compare_golden(path, name, d):
    text = normalised(path, d)
    golden = os.path.join(GOLDEN, name)
    if os.environ.get("HADAL_UPDATE_GOLDEN"):
        os.makedirs(GOLDEN, exist_ok=True)
        write(golden, text)
        print(f"updated {golden}")
        return
    expected = open(golden).read()
    if text != expected:
        import difflib
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), golden, path))
        raise AssertionError(f"{name} differs from its golden file:\n{diff}")


def test_queue_scripts():
    d = os.path.realpath(workdir("sweep_queue"))
    sweep_file = os.path.join(SOURCE_DIR, "cases", "sweeps", "diffusion_check.yaml")
    sites = os.path.join(SOURCE_DIR, "cases", "sites")
    sweep([sweep_file, "--site", os.path.join(sites, "example-slurm.yaml")], d, check=0)
    sweep([sweep_file, "--site", os.path.join(sites, "example-pbs.yaml"), "--max-parallel", "2"], d, check=0)
    sweep(["submit", DIFFUSION, "--site", os.path.join(sites, "example-slurm.yaml"), "--time", "1-00:00:00",
           "-o", os.path.join(d, "runs", "case_slurm")], d, check=0)
    sweep(["submit", DIFFUSION, "--site", os.path.join(sites, "example-pbs.yaml"), "--nodes", "1",
           "--set", "diffusion.mass=2 kg", "-o", os.path.join(d, "runs", "case_pbs")], d, check=0)
    queue = os.path.join(d, "sweeps", "diffusion-check", "queue")
    scripts = {"sweep.slurm": (os.path.join(queue, "sweep.slurm"), "slurm"),
               "sweep.pbs": (os.path.join(queue, "sweep.pbs"), "pbs"),
               "member.pbs": (os.path.join(queue, "member.pbs"), "pbs"),
               "case.slurm": (os.path.join(d, "runs", "case_slurm", "job.slurm"), "slurm"),
               "case.pbs": (os.path.join(d, "runs", "case_pbs", "job.pbs"), "pbs")}
    for name, (path, scheduler) in scripts.items():
        check_directives(path, scheduler)
        compare_golden(path, name, d)
        print(f"{name}: directives, bash -n, shellcheck and golden file agree")
    member = open(scripts["member.pbs"][0]).read()
    expect("#PBS -J" not in member, "the continuation script must not be an array")
    # Wall time over the site limit, a bad profile and an invalid case never produce a script.
    r = sweep(["submit", DIFFUSION, "--site", os.path.join(sites, "example-slurm.yaml"), "--time", "3-00:00:00"], d,
              check=2)
    expect("exceeds the site's max_wall_time" in r.stderr, r.stderr)
    bad_site = write(os.path.join(d, "bad_site.yaml"), "scheduler: lsf\nnodess: 2\nwall_time: four hours\n")
    r = sweep(["submit", DIFFUSION, "--site", bad_site], d, check=2)
    for needle in ("bad_site.yaml:1:12: scheduler", "did you mean 'nodes'", "bad_site.yaml:3:12: wall_time"):
        expect(needle in r.stderr, f"missing '{needle}' in:\n{r.stderr}")
    r = sweep(["submit", DIFFUSION, "--queue", "slurm", "--set", "diffusion.mass=-1 kg"], d, check=2)
    expect("diffusion.mass" in r.stderr, r.stderr)


def fake_tools(d):
    """Stand-ins on PATH: srun/mpiexec run the command (recording its pid), sbatch/qsub record the
    resubmission instead of queueing it."""
    bin_dir = os.path.join(d, "fakebin")
    os.makedirs(bin_dir, exist_ok=True)
    write(os.path.join(bin_dir, "srun"), '#!/bin/bash\necho $$ > "$FAKE_DIR/launcher.pid"\nexec "$@"\n')
    write(os.path.join(bin_dir, "mpiexec"), '#!/bin/bash\n[[ "$1" == -n ]] && shift 2\n'
          'echo $$ > "$FAKE_DIR/launcher.pid"\nexec "$@"\n')
    for tool in ("sbatch", "qsub"):
        write(os.path.join(bin_dir, tool), f'#!/bin/bash\necho "{tool} $*" >> "$FAKE_DIR/submissions"\n')
    for tool in ("srun", "mpiexec", "sbatch", "qsub"):
        os.chmod(os.path.join(bin_dir, tool), 0o755)
    return bin_dir


def run_chain(script, d, first_env, parse_next):
    """Runs the job script as the scheduler would, then each resubmission it asks for, until it ends."""
    env = dict(os.environ, PATH=fake_tools(d) + ":" + os.environ["PATH"], FAKE_DIR=d, **first_env)
    codes = []
    for link in range(12):
        r = subprocess.run(["bash", script], capture_output=True, text=True, env=env, timeout=300)
        codes.append(r.returncode)
        print(f"link {link}: exit {r.returncode}: " + " | ".join(l for l in r.stdout.splitlines() if "hadal job" in l))
        if r.returncode != 75:
            expect(r.returncode == 0, f"job exited {r.returncode}\n{r.stdout}\n{r.stderr}")
            return codes
        submissions = open(os.path.join(d, "submissions")).read().splitlines()
        expect(len(submissions) == link + 1, f"exit 75 without a resubmission: {submissions}")
        env.update(parse_next(submissions[-1]))
    raise AssertionError("the chain did not finish in 12 links")


def test_queue_chain():
    """The generated scripts checkpoint before their (short) wall time, resubmit themselves, and the
    chain continues the run to the same answer as an uninterrupted run."""
    d = os.path.realpath(workdir("sweep_chain"))
    spec = write(os.path.join(d, "chain.yaml"), f"""name: chain
base: {DIFFUSION}
set: {{grid.cells: [160, 128, 20], time.end: 16 h}}
parameters:
  - {{name: mass, key: diffusion.mass, values: [5 kg, 10 kg]}}
""")
    reference = os.path.join(d, "reference")
    subprocess.run([HADAL, "run", DIFFUSION, "-o", reference, "-q", "--set", "grid.cells=[160, 128, 20]",
                    "--set", "time.end=16 h", "--set", "diffusion.mass=10 kg"], check=True, capture_output=True)
    ref, t_ref = last_checkpoint(reference)
    # Wall time 20 s, checkpoint 17 s before it: each link runs ~3 s, and the member needs several even
    # on an idle machine (it takes ~10 s there).
    for scheduler in ("slurm", "pbs"):
        folder = os.path.join(d, scheduler)
        sweep([spec, "-o", folder, "--queue", scheduler, "--time", "00:00:20", "--warning", "17"], d, check=0)
        if os.path.exists(os.path.join(d, "submissions")):
            os.remove(os.path.join(d, "submissions"))
        if scheduler == "slurm":
            def parse(line):
                m = re.fullmatch(r"sbatch --array=(\d+) --export=ALL,HADAL_CHAIN=(\d+) (\S+)", line)
                expect(m is not None and m.group(3).endswith("sweep.slurm"), f"resubmission: {line}")
                return {"SLURM_ARRAY_TASK_ID": m.group(1), "HADAL_CHAIN": m.group(2)}
            codes = run_chain(os.path.join(folder, "queue", "sweep.slurm"), d, {"SLURM_ARRAY_TASK_ID": "1"}, parse)
        else:
            def parse(line):
                m = re.fullmatch(r"qsub -v HADAL_CHAIN=(\d+),HADAL_MEMBER=(\d+) (\S+)", line)
                expect(m is not None and m.group(3).endswith("member.pbs"), f"resubmission: {line}")
                return {"HADAL_CHAIN": m.group(1), "HADAL_MEMBER": m.group(2)}
            codes = run_chain(os.path.join(folder, "queue", "sweep.pbs"), d, {"PBS_ARRAY_INDEX": "1"}, parse)
        expect(len(codes) >= 2, f"{scheduler}: the run finished in one link; the chain was not exercised")
        got, t_got = last_checkpoint(os.path.join(folder, "runs", "m0001"))
        expect(t_got == t_ref and np.array_equal(got, ref), f"{scheduler}: chained run differs from the reference")
        expect(open(os.path.join(folder, "logs", "m0001.exit")).read().strip() == "0", "exit file")
        print(f"{scheduler}: {len(codes)} links {codes}; result bitwise identical to the uninterrupted run")
        # A finished member exits at once.
        r = subprocess.run(["bash", os.path.join(folder, "queue", "sweep." + scheduler)], capture_output=True,
                           text=True, env=dict(os.environ, HADAL_MEMBER="1"))
        expect(r.returncode == 0 and "complete already" in r.stdout, r.stdout + r.stderr)


if __name__ == "__main__":
    main({
        "local_and_collect": test_local_and_collect,
        "collect_plots": test_collect_plots,
        "failing_member": test_failing_member,
        "interrupt_and_resume": test_interrupt_and_resume,
        "queue_scripts": test_queue_scripts,
        "queue_chain": test_queue_chain,
    })
