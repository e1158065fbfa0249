#!/usr/bin/env python3
"""Writes wave.csv and mix.csv: small synthetic regression tables for the gallery's regression chapter.

wave.csv: one feature x uniform in [-3, 3], target y = 2·sin(1.5·x) + 0.5·x + N(0, 0.1²): a curve to fit.
mix.csv:  three features a, b, c ~ N(0, 1) and y = 3a − 2b + 0.5c + 10 + N(0, 0.2²): a linear target in
          its own units (around 10, spread about 3.6), so the reports' original units show.
Synthetic on purpose (no licence question); the noise std is the best RMSE any model can reach.
Run from this directory: python3 make-regression.py (numpy; seed 11 makes the same files every time).
"""
import numpy as np

rng = np.random.default_rng(11)

x = rng.uniform(-3, 3, size=300)
y = 2 * np.sin(1.5 * x) + 0.5 * x + rng.normal(0, 0.1, size=300)
with open("wave.csv", "w") as f:
    f.write("x,y\n" + "".join(f"{a:.4f},{b:.4f}\n" for a, b in zip(x, y)))

abc = rng.normal(0, 1, size=(400, 3))
t = 3 * abc[:, 0] - 2 * abc[:, 1] + 0.5 * abc[:, 2] + 10 + rng.normal(0, 0.2, size=400)
with open("mix.csv", "w") as f:
    f.write("a,b,c,strength\n" + "".join(f"{r[0]:.4f},{r[1]:.4f},{r[2]:.4f},{v:.4f}\n" for r, v in zip(abc, t)))
