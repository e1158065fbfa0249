"""Every speed figure of docs/performance.md in one run: two Labbook builds (before and after a change), PyTorch
(2 threads), numpy and the 2-thread sgemm ceiling, interleaved round by round, at the caller's priority.

Usage (from the repository root, after `swift build -c release --product labbook`):
    python3 bench/side_by_side.py --before /tmp/labbook-before --after .build/release/labbook --rounds 5 > run.jsonl
Each measurement is one JSON line with the round, the implementation, the 1-minute load average before and
after it, and the program's own JSON; the last line is the summary: per workload and implementation the min
and median of the figure over the rounds, and per round the ratios taken within that round (after/before,
after/PyTorch, after/numpy, after/sgemm ceiling), with their min and median. Ratios are only ever formed
from figures of the same round. ONLINE_STEPS (default 2,000) is what PyTorch and numpy time of online-mlp;
Labbook times its default 20,000. --control adds PyTorch and numpy on one thread (TORCH_THREADS=1,
OPENBLAS_NUM_THREADS=1) and the after build with `--threads 1` to every round.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = ["fashion-mlp", "fashion-mlp-adamw", "fashion-mlp-bn-dropout", "online-mlp", "fashion-lenet"]


def references(workload, control):
    out = plain_references(workload)
    if control:   # the same programs on one thread: on a loaded machine their 2-thread runs can collapse
        out += [(impl + "-1t", cmd) for impl, cmd in plain_references(workload)]
    return out


def plain_references(workload):
    py = sys.executable
    if workload in ("fashion-mlp", "fashion-mlp-adamw", "online-mlp"):
        out = [("pytorch", [py, os.path.join(HERE, "torch_mlp.py"), workload])]
        if workload != "fashion-mlp-adamw":
            out.append(("numpy", [py, os.path.join(HERE, "numpy_mlp.py"), workload]))
        return out
    if workload == "fashion-mlp-bn-dropout":
        return [("pytorch", [py, os.path.join(HERE, "torch_mlp.py"), workload]),
                ("numpy", [py, os.path.join(HERE, "numpy_mlp_bn_dropout.py")])]
    return [("pytorch", [py, os.path.join(HERE, "torch_lenet.py"), "12800"]),
            ("numpy", [py, os.path.join(HERE, "numpy_lenet.py"), "12800"])]


def figure(result):
    return result.get("microseconds_per_step", result.get("samples_per_second"))


def measure(round_, impl, workload, cmd, env):
    if impl.endswith("-1t"):
        env = dict(env, TORCH_THREADS="1", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    load = os.getloadavg()[0]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=HERE)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    result = json.loads(lines[-1]) if p.returncode == 0 and lines else {"error": p.stderr.strip()[-300:]}
    row = {"round": round_, "impl": impl, "workload": workload, "load_before": round(load, 2),
           "load_after": round(os.getloadavg()[0], 2), "figure": figure(result), "result": result}
    print(json.dumps(row), flush=True)
    return row


def blas_kernel(lib):
    import ctypes
    try:
        lib = ctypes.CDLL(lib)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_corename().decode()
    except OSError:
        return "unknown"


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--before", required=True)
    a.add_argument("--after", required=True)
    a.add_argument("--rounds", type=int, default=5)
    a.add_argument("--workloads", nargs="+", default=WORKLOADS)
    a.add_argument("--control", action="store_true", help="also run PyTorch and numpy on one thread")
    a.add_argument("--controls-only", action="store_true",
                   help="with --control, leave out PyTorch's and numpy's 2-thread runs (under heavy load they take minutes)")
    args = a.parse_args()
    env = dict(os.environ, OPENBLAS_NUM_THREADS="2", OMP_NUM_THREADS="2")
    env.setdefault("ONLINE_STEPS", "2000")
    flags = open("/proc/cpuinfo").read().split("flags")[1].split("\n")[0].split()
    model = next(ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name"))
    # Versions from a child: importing torch here would make this process ~0.5 GB, and Linux carries a parent's
    # peak RSS into its children's getrusage(RUSAGE_SELF).ru_maxrss across fork + exec (every max_rss_bytes
    # would read at least that).
    versions = subprocess.run([sys.executable, "-c", "import numpy, torch; print(numpy.__version__, torch.__version__)"],
                              capture_output=True, text=True).stdout.split()
    print(json.dumps({"cpu": model, "cores": os.cpu_count(), "avx2": "avx2" in flags, "avx512f": "avx512f" in flags,
                      "kernel": platform.release(), "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "unset"),
                      "debian_openblas_core": blas_kernel("libopenblas.so.0"), "numpy": versions[:1],
                      "torch": versions[1:], "torch_threads": 2}), flush=True)
    rows = []
    for r in range(args.rounds):
        rows.append(measure(r, "ceiling", "sgemm-ceiling", [sys.executable, os.path.join(HERE, "sgemm_ceiling.py")], env))
        for w in args.workloads:
            order = [("before", args.before), ("after", args.after)]
            if r % 2:
                order.reverse()          # alternate which build goes first
            for impl, binary in order:
                rows.append(measure(r, impl, w, [os.path.abspath(binary), "bench", "--workload", w, "--json"], env))
            if args.control:
                rows.append(measure(r, "after-1t", w, [os.path.abspath(args.after), "bench", "--workload", w, "--json", "--threads", "1"], env))
            for impl, cmd in references(w, args.control):
                if args.controls_only and args.control and not impl.endswith("-1t"):
                    continue
                rows.append(measure(r, impl, w, cmd, env))
    summary = {"figures": {}, "ratios": {}}
    for w in args.workloads + ["sgemm-ceiling"]:
        for impl in ["before", "after", "after-1t", "pytorch", "numpy", "pytorch-1t", "numpy-1t", "ceiling"]:
            v = [x["figure"] for x in rows if x["workload"] == w and x["impl"] == impl and x["figure"]]
            if v:
                summary["figures"][f"{w} {impl}"] = {"min": min(v), "median": statistics.median(v), "max": max(v), "n": len(v)}
        lower_is_better = w == "online-mlp"
        for mine_impl, other in [("after", "before"), ("after", "pytorch"), ("after", "numpy"), ("after-1t", "pytorch-1t"),
                                 ("after-1t", "numpy-1t"), ("after", "ceiling")]:
            ratios = []
            for r in range(args.rounds):
                mine = [x["figure"] for x in rows if x["round"] == r and x["workload"] == w and x["impl"] == mine_impl]
                ref_w = "sgemm-ceiling" if other == "ceiling" else w
                theirs = [x["figure"] for x in rows if x["round"] == r and x["workload"] == ref_w and x["impl"] == other]
                if mine and theirs and mine[0] and theirs[0]:
                    ratios.append(round(theirs[0] / mine[0] if lower_is_better else mine[0] / theirs[0], 3))
            if ratios and not (other == "ceiling" and w != "fashion-mlp"):
                summary["ratios"][f"{w} {mine_impl}/{other}"] = {"per_round": ratios, "min": min(ratios),
                                                                 "median": statistics.median(ratios)}
    # issue 10: what batch-norm + ReLU + dropout cost over the plain step, per round: time per sample of
    # fashion-mlp-bn-dropout over that of fashion-mlp (SGD) and of fashion-mlp-adamw (the same optimiser), minus 1.
    for impl in ["before", "after", "after-1t", "pytorch", "pytorch-1t"]:
        for plain in ["fashion-mlp", "fashion-mlp-adamw"]:
            over = []
            for r in range(args.rounds):
                bn = [x["figure"] for x in rows if x["round"] == r and x["workload"] == "fashion-mlp-bn-dropout" and x["impl"] == impl]
                base = [x["figure"] for x in rows if x["round"] == r and x["workload"] == plain and x["impl"] == impl]
                if bn and base and bn[0] and base[0]:
                    over.append(round(base[0] / bn[0] - 1, 3))
            if over:
                summary["ratios"][f"{impl} bn-dropout overhead over {plain}"] = {"per_round": over, "min": min(over),
                                                                                  "median": statistics.median(over)}
    print(json.dumps({"summary": summary}), flush=True)


if __name__ == "__main__":
    main()
