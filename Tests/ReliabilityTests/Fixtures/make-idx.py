#!/usr/bin/env python3
# Writes the small, deliberately broken IDX data sets of the catalogue book (run from this directory; output is committed).
import gzip, os, struct

def images(n, rows=28, cols=28, magic=0x803):
    return struct.pack(">IIII", magic, n, rows, cols) + bytes((i * 7) % 256 for i in range(n * rows * cols))

def labels(n, magic=0x801, bad=None):
    body = bytes(i % 10 for i in range(n))
    if bad is not None:
        body = body[:-1] + bytes([bad])
    return struct.pack(">II", magic, n) + body

def write(case, files):
    d = os.path.join("catalogue", "data", case)
    os.makedirs(d, exist_ok=True)
    base = {"train-images-idx3-ubyte": images(12), "train-labels-idx1-ubyte": labels(12),
            "t10k-images-idx3-ubyte": images(4), "t10k-labels-idx1-ubyte": labels(4)}
    base.update(files)
    for name, data in base.items():
        if data is not None:
            open(os.path.join(d, name), "wb").write(data)

write("bad-magic", {"train-images-idx3-ubyte": images(12, magic=0x804)})
write("wrong-dimensions", {"train-images-idx3-ubyte": images(12, rows=27)})
write("short-file", {"train-images-idx3-ubyte": images(12)[:5000]})
write("bad-gzip", {"train-images-idx3-ubyte": None, "train-images-idx3-ubyte.gz": gzip.compress(images(12))[:300] + b"garbage"})
write("label-count", {"train-labels-idx1-ubyte": labels(11)})
write("label-range", {"train-labels-idx1-ubyte": labels(12, bad=12)})
write("missing-file", {"t10k-labels-idx1-ubyte": None})
# Issue 15 item 6: a header whose count·rows·cols overflows 64 bits, and a gzip stream that inflates far past its header.
write("header-overflow", {"train-images-idx3-ubyte": struct.pack(">IIII", 0x803, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF) + bytes(64)})
write("gzip-bomb", {"train-images-idx3-ubyte": None,
                    "train-images-idx3-ubyte.gz": gzip.compress(images(12) + bytes(20_000_000), mtime=0)})
