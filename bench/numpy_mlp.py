"""From-scratch numpy version of Labbook's bench workloads, for docs/performance.md.

fashion-mlp: 784-512-256-256-128-10 relu, softmax cross-entropy, SGD lr .01 momentum .9, batch 256,
one epoch over 50,000 images including shuffling and the loss.  online-mlp: 784-100-100-10, batch 1, SGD.
Prints one JSON line like `labbook bench --json`.
"""
import json
import os
import sys
import time

import numpy as np

from fashion_data import load_train


def init(sizes, rng):
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / np.sqrt(fan_in)
        params.append([rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32),
                       rng.uniform(-bound, bound, fan_out).astype(np.float32)])
    return params


def step(params, velocity, x, y, lr, momentum):
    acts = [x]
    h = x
    for i, (w, b) in enumerate(params):
        z = h @ w + b
        h = np.maximum(z, 0) if i < len(params) - 1 else z
        acts.append(h)
    logits = acts[-1]
    logits = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(len(y)), y] + 1e-12).mean()
    g = p
    g[np.arange(len(y)), y] -= 1
    g /= len(y)
    for i in reversed(range(len(params))):
        w, b = params[i]
        gw = acts[i].T @ g
        gb = g.sum(axis=0)
        if i > 0:
            g = (g @ w.T) * (acts[i] > 0)
        for j, grad in ((0, gw), (1, gb)):
            if momentum:
                velocity[i][j] *= momentum
                velocity[i][j] += grad
                params[i][j] -= lr * velocity[i][j]
            else:
                params[i][j] -= lr * grad
    return loss


def run(workload):
    x, y = load_train()
    rng = np.random.default_rng(1)
    if workload == "fashion-mlp":
        sizes, batch, lr, momentum = [784, 512, 256, 256, 128, 10], 256, 0.01, 0.9
    else:
        sizes, batch, lr, momentum = [784, 100, 100, 10], 1, 0.01, 0.0
    params = init(sizes, rng)
    velocity = [[np.zeros_like(w), np.zeros_like(b)] for w, b in params]
    steps = None if workload == "fashion-mlp" else int(os.environ.get("ONLINE_STEPS", "20000"))   # online: 20k steps by default
    start = time.perf_counter()
    order = rng.permutation(len(x))
    n = 0
    for k in range(0, len(x), batch):
        idx = order[k:k + batch]
        step(params, velocity, x[idx], y[idx], lr, momentum)
        n += 1
        if steps and n >= steps:
            break
    seconds = time.perf_counter() - start
    out = {"workload": workload, "implementation": "numpy " + np.__version__, "seconds": round(seconds, 3)}
    if workload == "fashion-mlp":
        out["samples_per_second"] = round(len(x) / seconds)
    else:
        out["microseconds_per_step"] = round(seconds / n * 1e6, 2)
    print(json.dumps(out))


if __name__ == "__main__":
    run(sys.argv[1] if len(sys.argv) > 1 else "fashion-mlp")
