#!/usr/bin/env python3
"""Rendering must grow linearly with the number of formulas, tables, headings, labels and unknown keys (issue 15 item 9).

Builds, for each kind and each size (1k, 10k, 100k by default), a one-chapter book and times
`labbook build --no-cache` on it (no block trains, so the time is loading, validation and rendering).
Prints one row per size with the wall-clock time, the CPU time (user + system, the steadier figure on a
shared machine) and both per item; linear growth keeps the per-item time flat.

    bench/linearity.py [--labbook .build/release/labbook] [--sizes 1000,10000,100000] [--kinds formulas,tables,...]

"labels" is a labelled display equation and a table with a labelled caption per item.
"""
import argparse, os, resource, shutil, subprocess, tempfile, time

def chapter(kind, n):
    if kind == "formulas":
        return "# Formulas\n\n" + " ".join("$x_{%d}$" % i for i in range(n)) + "\n"
    if kind == "tables":
        return "# Tables\n\n" + "".join("| a | b |\n|---|---|\n| %d | $y$ |\n\n" % i for i in range(n))
    if kind == "headings":
        return "# Headings\n\n" + "".join("## Same\n\ntext\n\n" for _ in range(n))
    if kind == "labels":
        return "# Labels\n\n" + "".join("$$x_{%d}$$ {#eq:e%d}\n\n| a |\n|---|\n| %d |\n\nTable: c%d {#tbl:t%d}\n\n" % (i, i, i, i, i) for i in range(n))
    if kind == "unknown-keys":
        keys = "".join("unknown%d: 1\n" % i for i in range(n))
        return "# Keys\n\n```experiment\nid: keys\n" + keys + "```\n"
    raise SystemExit("unknown kind " + kind)

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--labbook", default=".build/release/labbook")
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--kinds", default="formulas,tables,headings,labels,unknown-keys")
    a = p.parse_args()
    print("| kind | items | seconds | µs per item | CPU seconds | CPU µs per item |")
    print("|---|---|---|---|---|---|")
    for kind in a.kinds.split(","):
        for n in [int(s) for s in a.sizes.split(",")]:
            book = tempfile.mkdtemp(prefix="labbook-linearity-")
            try:
                os.makedirs(os.path.join(book, "chapters"))
                with open(os.path.join(book, "chapters", "01.md"), "w") as f:
                    f.write(chapter(kind, n))
                start = time.perf_counter()
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                subprocess.run([a.labbook, "build", book, "--no-cache", "--jobs", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                t = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                print("| %s | %d | %.2f | %.1f | %.2f | %.1f |" % (kind, n, t, t / n * 1e6, cpu, cpu / n * 1e6), flush=True)
            finally:
                shutil.rmtree(book)

main()
