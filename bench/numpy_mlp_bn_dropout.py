"""From-scratch numpy version of fashion-mlp-bn-dropout, for docs/performance.md.

784-512-256-256-128-10 with BatchNorm (batch statistics, affine), ReLU and inverted Dropout(0.2) after each
hidden layer, softmax cross-entropy, AdamW (lr 1e-3, weight decay 0.01) at a constant rate (a cosine schedule
over one epoch is constant), batch 256, one epoch over 50,000 images. Prints one JSON line like `labbook bench --json`.
"""
import json
import time

import numpy as np

from fashion_data import load_train

SIZES, BATCH, P, LR, WD, B1, B2, EPS = [784, 512, 256, 256, 128, 10], 256, 0.2, 1e-3, 0.01, 0.9, 0.999, 1e-8


def run():
    x, y = load_train()
    rng = np.random.default_rng(1)
    params = []
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        bound = 1 / np.sqrt(a)
        params += [rng.uniform(-bound, bound, (a, b)).astype(np.float32), rng.uniform(-bound, bound, b).astype(np.float32)]
        if i < len(SIZES) - 2:
            params += [np.ones(b, np.float32), np.zeros(b, np.float32)]           # γ, β
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    hidden = len(SIZES) - 2
    start = time.perf_counter()
    order = rng.permutation(len(x))
    t = 0
    for k in range(0, len(x), BATCH):
        idx = order[k:k + BATCH]
        h, yb = x[idx], y[idx]
        cache = []
        for i in range(hidden):
            w, b, g, be = params[4 * i:4 * i + 4]
            z = h @ w + b
            mu, var = z.mean(0), z.var(0)
            inv = 1 / np.sqrt(var + 1e-5)
            xh = (z - mu) * inv
            a = np.maximum(g * xh + be, 0)
            mask = (rng.random(a.shape, dtype=np.float32) >= P).astype(np.float32) / (1 - P)
            cache.append((h, xh, inv, a > 0, mask))
            h = a * mask
        w, b = params[4 * hidden:]
        logits = h @ w + b
        logits -= logits.max(1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(1, keepdims=True)
        p[np.arange(len(yb)), yb] -= 1
        dz = p / len(yb)
        grads = [None] * len(params)
        grads[4 * hidden], grads[4 * hidden + 1] = h.T @ dz, dz.sum(0)
        d = dz @ w.T
        for i in reversed(range(hidden)):
            hin, xh, inv, pos, mask = cache[i]
            g = params[4 * i + 2]
            d = d * mask * pos
            grads[4 * i + 2], grads[4 * i + 3] = (d * xh).sum(0), d.sum(0)
            n = len(d)
            dzz = (g * inv / n) * (n * d - d.sum(0) - xh * (d * xh).sum(0))
            grads[4 * i], grads[4 * i + 1] = hin.T @ dzz, dzz.sum(0)
            if i > 0:
                d = dzz @ params[4 * i].T
        t += 1
        for j, (pp, gg) in enumerate(zip(params, grads)):
            pp *= 1 - LR * WD
            m[j] = B1 * m[j] + (1 - B1) * gg
            v[j] = B2 * v[j] + (1 - B2) * gg * gg
            pp -= LR / (1 - B1 ** t) * m[j] / (np.sqrt(v[j] / (1 - B2 ** t)) + EPS)
    seconds = time.perf_counter() - start
    print(json.dumps({"workload": "fashion-mlp-bn-dropout", "implementation": "numpy " + np.__version__,
                      "seconds": round(seconds, 3), "samples_per_second": round(len(x) / seconds)}))


if __name__ == "__main__":
    run()
