"""The 2-thread sgemm ceiling for fashion-mlp: the GEMMs of one training step at batch 256, timed with numpy.

Per dense layer (in → out): forward X·Wᵀ (256×in·in×out), weight gradient ∂Zᵀ·X, and input gradient ∂Z·W
(not for the first layer): 2·(3·Σ in·out − 784·512) ≈ 3.0 MFLOP per sample. Prints GFLOP/s and the samples/s
a step made of nothing but these GEMMs would reach. Threads: OPENBLAS_NUM_THREADS, default 2.
"""
import json
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
import numpy as np  # noqa: E402

sizes, batch = [784, 512, 256, 256, 128, 10], 256
rng = np.random.default_rng(1)
mats = []
for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
    x, w, dz = (rng.standard_normal(s).astype(np.float32) for s in [(batch, a), (b, a), (batch, b)])
    mats.append((i, x, w, dz))


def step():
    for i, x, w, dz in mats:
        x @ w.T           # forward
        dz.T @ x          # weight gradient
        if i > 0:
            dz @ w        # input gradient


flops = 2 * sum(b * a * batch * (3 if i > 0 else 2) for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])))
for _ in range(20):
    step()
best = float("inf")
for _ in range(5):
    t = time.perf_counter()
    for _ in range(50):
        step()
    best = min(best, (time.perf_counter() - t) / 50)
print(json.dumps({"workload": "sgemm-ceiling", "threads": int(os.environ["OPENBLAS_NUM_THREADS"]),
                  "mflop_per_sample": round(flops / batch / 1e6, 3), "gflops": round(flops / best / 1e9, 1),
                  "samples_per_second": round(batch / best)}))
