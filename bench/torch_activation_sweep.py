"""PyTorch reference for chapter 2's activation-sweep, run on this machine (see docs/reproduction.md).

The book's protocol in idiomatic PyTorch: Fashion-MNIST from Debian's dataset-fashion-mnist, a random
50,000/10,000 train/validation split of the training file, pixels /255 then standardised with mean .2861 and
std .3530, 784-512-256-256-128-10 with nn.Linear's default init, SGD lr .01 momentum .9, batch 256, shuffled
every epoch, early stopping on validation accuracy (a new best must be strictly higher; stop after PATIENCE
epochs without one; keep the best epoch's weights), test accuracy of the kept weights.

    python3 bench/torch_activation_sweep.py --activation sigmoid --epochs 16 --seeds 0 1 2 3 4 5 6 7

prints one JSON line per seed: validation accuracy per epoch, the best epoch, where early stopping ended the
run (null if it was still going at --epochs) and the test accuracy of the best weights.
"""
import argparse
import gzip
import json
import os

import numpy as np
import torch
from torch import nn

DATA = os.environ.get("LABBOOK_DATA", "/usr/share/datasets/fashion-mnist")
ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "leaky-relu": nn.LeakyReLU, "prelu": nn.PReLU,
               "elu": nn.ELU, "gelu": nn.GELU, "swish": nn.SiLU, "mish": nn.Mish}


def idx(name, offset):
    with gzip.open(os.path.join(DATA, name)) as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def images(name):
    x = idx(name, 16).reshape(-1, 784).astype(np.float32)
    return torch.from_numpy((x / 255 - 0.2861) / 0.3530)


def labels(name):
    return torch.from_numpy(idx(name, 8).astype(np.int64))


def run(seed, activation, epochs, patience):
    torch.manual_seed(seed)
    x, y = images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")
    xt, yt = images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")
    perm = torch.randperm(len(x))
    train, val = perm[:50_000], perm[50_000:60_000]
    sizes = [784, 512, 256, 256, 128, 10]
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    model = nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss = nn.CrossEntropyLoss()

    def accuracy(inputs, targets):
        model.eval()
        with torch.no_grad():
            return (model(inputs).argmax(1) == targets).float().mean().item()

    history, best, best_state, stopped = [], None, None, None
    for epoch in range(1, epochs + 1):
        model.train()
        order = train[torch.randperm(len(train))]
        for k in range(0, len(order), 256):
            batch = order[k:k + 256]
            opt.zero_grad()
            loss(model(x[batch]), y[batch]).backward()
            opt.step()
        acc = accuracy(x[val], y[val])
        history.append(round(100 * acc, 2))
        if best is None or acc > best[1]:
            best = (epoch, acc)
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        elif epoch - best[0] >= patience:
            stopped = epoch
            break
    model.load_state_dict(best_state)
    return {"activation": activation, "seed": seed, "validation": history, "best_epoch": best[0],
            "stopped_at": stopped, "test_accuracy": round(100 * accuracy(xt, yt), 2)}


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--activation", default="sigmoid", choices=sorted(ACTIVATIONS))
    p.add_argument("--epochs", type=int, default=50)
    p.add_argument("--patience", type=int, default=7)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    for s in args.seeds:
        print(json.dumps(run(s, args.activation, args.epochs, args.patience)), flush=True)
