"""LeNet-5 accuracy on Fashion-MNIST in PyTorch, the protocol of issue 11 (docs/reproduction.md).

Protocol (the same as bench/lenet-accuracy/, the Labbook book it is compared with): Debian's Fashion-MNIST,
a random 50,000/10,000 train/validation split of the training file (torch.randperm under the seed),
pixels standardised with mean 0.2861 and std 0.3530, the test file's 10,000 images for the test figure;
conv 6@5x5 pad 2 - ReLU - max-pool 2 - conv 16@5x5 - ReLU - max-pool 2 - 120 - ReLU - 84 - ReLU - 10
with PyTorch's default init; cross-entropy, SGD lr 0.01 momentum 0.9, batch 64 (the last, smaller batch
kept), reshuffled every epoch, 5 epochs, no early stopping. Prints one JSON line per seed.
Usage: python3 bench/torch_lenet_accuracy.py [--threads 2] [--epochs 5] --seeds 0 1
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
from torch import nn

DATA = os.environ.get("LABBOOK_DATA", "/usr/share/datasets/fashion-mnist")


def load(kind):
    with gzip.open(os.path.join(DATA, f"{kind}-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(os.path.join(DATA, f"{kind}-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    x = ((images.astype(np.float32) / 255.0) - 0.2861) / 0.3530
    return torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(labels.astype(np.int64))


def lenet():
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


@torch.no_grad()
def accuracy(model, x, y):
    model.eval()
    correct = sum((model(x[k:k + 1000]).argmax(1) == y[k:k + 1000]).sum().item() for k in range(0, len(x), 1000))
    model.train()
    return 100.0 * correct / len(x)


def run(seed, epochs, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    x, y = load("train")
    test_x, test_y = load("t10k")
    order = torch.randperm(len(x))
    train_x, train_y = x[order[:50_000]], y[order[:50_000]]
    val_x, val_y = x[order[50_000:60_000]], y[order[50_000:60_000]]
    model = lenet()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    per_epoch = []
    for _ in range(epochs):
        perm = torch.randperm(len(train_x))
        for k in range(0, len(train_x), 64):
            idx = perm[k:k + 64]
            opt.zero_grad()
            loss_fn(model(train_x[idx]), train_y[idx]).backward()
            opt.step()
        per_epoch.append(round(accuracy(model, val_x, val_y), 2))
    seconds = time.perf_counter() - start
    return {"implementation": "pytorch " + torch.__version__, "seed": seed, "threads": threads, "epochs": epochs,
            "validation_accuracy_per_epoch": per_epoch, "test_accuracy": round(accuracy(model, test_x, test_y), 2),
            "seconds": round(seconds, 1)}


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    a = p.parse_args()
    for s in a.seeds:
        print(json.dumps(run(s, a.epochs, a.threads)), flush=True)
