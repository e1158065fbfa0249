"""PyTorch (CPU, 2 threads) version of Labbook's bench workloads, for docs/performance.md.

Same workloads as numpy_mlp.py, in the idiomatic PyTorch training loop (nn.Sequential, nn.CrossEntropyLoss,
torch.optim.SGD), fashion-mlp-adamw (AdamW and cosine on the plain net) and fashion-mlp-bn-dropout (BatchNorm1d, ReLU, Dropout(0.2) after each hidden Linear; AdamW,
CosineAnnealingLR stepped per epoch). online-mlp times ONLINE_STEPS steps (default 20,000). Prints one JSON line like `labbook bench --json`.
"""
import json
import os
import sys
import time

import torch
from torch import nn

from fashion_data import load_train


def run(workload):
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "2")))   # 2 = the comparison's setting; 1 for a control
    torch.manual_seed(1)
    x, y = load_train()
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    regularised = workload == "fashion-mlp-bn-dropout"
    adamw = regularised or workload == "fashion-mlp-adamw"   # fashion-mlp-adamw: the plain net with bn-dropout's optimiser
    if workload.startswith("fashion-mlp"):
        sizes, batch, lr, momentum = [784, 512, 256, 256, 128, 10], 256, 0.01, 0.9
    else:
        sizes, batch, lr, momentum = [784, 100, 100, 10], 1, 0.01, 0.0
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers += [nn.BatchNorm1d(b), nn.ReLU(), nn.Dropout(0.2)] if regularised else [nn.ReLU()]
    model = nn.Sequential(*layers)
    model.train()
    if adamw:
        opt = torch.optim.AdamW(model.parameters(), lr=0.001, weight_decay=0.01)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=1)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    loss_fn = nn.CrossEntropyLoss()
    steps = None if workload.startswith("fashion-mlp") else int(os.environ.get("ONLINE_STEPS", "20000"))
    start = time.perf_counter()
    order = torch.randperm(len(x))
    n = 0
    for k in range(0, len(x), batch):
        idx = order[k:k + batch]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
        n += 1
        if steps and n >= steps:
            break
    if adamw:
        schedule.step()
    seconds = time.perf_counter() - start
    out = {"workload": workload, "implementation": "pytorch " + torch.__version__, "seconds": round(seconds, 3)}
    if workload.startswith("fashion-mlp"):
        out["samples_per_second"] = round(len(x) / seconds)
    else:
        out["microseconds_per_step"] = round(seconds / n * 1e6, 2)
    print(json.dumps(out))


if __name__ == "__main__":
    run(sys.argv[1] if len(sys.argv) > 1 else "fashion-mlp")
