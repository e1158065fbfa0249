"""Fashion-MNIST from Debian's dataset-fashion-mnist, normalised as the book does (mean .2861, std .3530)."""
import gzip
import os

import numpy as np

DATA = os.environ.get("LABBOOK_DATA", "/usr/share/datasets/fashion-mnist")


def load_train(n=50_000):
    with gzip.open(os.path.join(DATA, "train-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(os.path.join(DATA, "train-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    x = ((images[:n].astype(np.float32) / 255.0) - 0.2861) / 0.3530
    return np.ascontiguousarray(x, dtype=np.float32), labels[:n].astype(np.int64)
