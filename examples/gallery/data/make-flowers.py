#!/usr/bin/env python3
"""Writes flowers.csv and flowers-test.csv: a small synthetic three-class table for the gallery's CSV chapter.

Three made-up species, each a Gaussian cloud in four measurements (cm); a text column `colour`
that is not a feature. Synthetic on purpose: the gallery needs a table it may ship with no licence question.
Run from this directory: python3 make-flowers.py (numpy; seed 7 makes the same files every time).
"""
import numpy as np

rng = np.random.default_rng(7)
species = {
    "setosa-like": ([5.0, 3.4, 1.5, 0.2], [0.35, 0.38, 0.17, 0.10], "white"),
    "versicolor-like": ([5.9, 2.8, 4.3, 1.3], [0.52, 0.31, 0.47, 0.20], "violet"),
    "virginica-like": ([6.6, 3.0, 5.6, 2.0], [0.64, 0.32, 0.55, 0.27], "blue"),
}
header = "sepal_length,sepal_width,petal_length,petal_width,colour,species"


def rows(n):
    out = []
    for name, (mean, std, colour) in species.items():
        for x in rng.normal(mean, std, size=(n, 4)):
            out.append(",".join(f"{v:.1f}" for v in np.abs(x)) + f",{colour},{name}")
    order = rng.permutation(len(out))
    return [out[i] for i in order]


for path, n in [("flowers.csv", 50), ("flowers-test.csv", 10)]:
    with open(path, "w") as f:
        f.write(header + "\n" + "\n".join(rows(n)) + "\n")
