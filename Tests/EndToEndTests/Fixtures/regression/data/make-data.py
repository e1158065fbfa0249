#!/usr/bin/env python3
"""Writes bowl.csv: a known nonlinear function for the end-to-end regression test.

u, v uniform in [-2, 2]; y = u² − 2v + 3 + N(0, 0.05²). The noise std 0.05 is the best test RMSE any model can
reach; the test states what Labbook must reach. Run from this directory: python3 make-data.py (numpy, seed 21).
"""
import numpy as np

rng = np.random.default_rng(21)
uv = rng.uniform(-2, 2, size=(500, 2))
y = uv[:, 0] ** 2 - 2 * uv[:, 1] + 3 + rng.normal(0, 0.05, size=500)
with open("bowl.csv", "w") as f:
    f.write("u,v,y\n" + "".join(f"{a:.4f},{b:.4f},{t:.4f}\n" for (a, b), t in zip(uv, y)))
