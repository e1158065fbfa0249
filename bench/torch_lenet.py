"""PyTorch (CPU, 2 threads) LeNet for `labbook bench --workload fashion-lenet`, for docs/performance.md.

The same network, loss, optimiser and sample count as numpy_lenet.py, in the idiomatic PyTorch loop
(nn.Sequential, nn.CrossEntropyLoss, torch.optim.SGD). Prints one JSON line like `labbook bench --json`.
Kept beside torch_mlp.py rather than inside it so the two benches can change independently.
"""
import json
import os
import resource
import sys
import time

import torch
from torch import nn

from fashion_data import load_train


def lenet():
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def run(samples):
    threads = int(os.environ.get("TORCH_THREADS", "2"))   # 2 = the comparison's setting; 1 for a control run
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    x, y = load_train()
    x, y = torch.from_numpy(x).reshape(-1, 1, 28, 28)[:samples], torch.from_numpy(y)[:samples]
    model = lenet()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    order = torch.randperm(len(x))
    for k in range(0, len(x), 64):
        idx = order[k:k + 64]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    print(json.dumps({"workload": "fashion-lenet", "implementation": "pytorch " + torch.__version__, "threads": threads,
                      "seconds": round(seconds, 3), "samples_per_second": round(len(x) / seconds),
                      "max_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 12_800)
