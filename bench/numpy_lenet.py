"""From-scratch numpy LeNet for `labbook bench --workload fashion-lenet`, for docs/performance.md.

conv 6@5x5 pad 2 - relu - max-pool 2 - conv 16@5x5 - relu - max-pool 2 - 120 - relu - 84 - relu - 10,
softmax cross-entropy, SGD lr .01 momentum .9, batch 64, over the first SAMPLES training images (default
12,800 = 200 steps) including shuffling and the loss. Convolutions are lowered with im2col (one slice copy
per kernel tap) to one GEMM per layer and batch; col2im is the same slices added back.
Prints one JSON line like `labbook bench --json`.
"""
import json
import resource
import sys
import time

import numpy as np

from fashion_data import load_train


def im2col(x, k, pad):
    # x (N, C, H, W) -> (C*k*k, N*OH*OW): row (c, i, j), column (n, oy, ox) reads x[n, c, oy+i-pad, ox+j-pad]
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
    oh, ow = h + 2 * pad - k + 1, w + 2 * pad - k + 1
    col = np.empty((c, k, k, n, oh, ow), dtype=x.dtype)
    for i in range(k):
        for j in range(k):
            col[:, i, j] = xp[:, :, i:i + oh, j:j + ow].transpose(1, 0, 2, 3)
    return col.reshape(c * k * k, n * oh * ow), (oh, ow)


def col2im(dcol, shape, k, pad):
    n, c, h, w = shape
    oh, ow = h + 2 * pad - k + 1, w + 2 * pad - k + 1
    d = dcol.reshape(c, k, k, n, oh, ow)
    dxp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=dcol.dtype)
    for i in range(k):
        for j in range(k):
            dxp[:, :, i:i + oh, j:j + ow] += d[:, i, j].transpose(1, 0, 2, 3)
    return dxp[:, :, pad:pad + h, pad:pad + w] if pad else dxp


def conv_forward(x, w, b, pad):
    f, k = w.shape[0], w.shape[2]
    col, (oh, ow) = im2col(x, k, pad)
    y = w.reshape(f, -1) @ col + b[:, None]                      # (F, N*OH*OW)
    return y.reshape(f, x.shape[0], oh, ow).transpose(1, 0, 2, 3), col


def conv_backward(dy, x_shape, col, w, pad, need_dx):
    f, k = w.shape[0], w.shape[2]
    d = dy.transpose(1, 0, 2, 3).reshape(f, -1)                   # (F, N*OH*OW)
    gw = (d @ col.T).reshape(w.shape)
    gb = d.sum(axis=1)
    dx = col2im(w.reshape(f, -1).T @ d, x_shape, k, pad) if need_dx else None
    return dx, gw, gb


def pool_forward(x):
    # 2x2 max-pool, stride 2; argmax keeps the first maximum of each window, as torch does
    n, c, h, w = x.shape
    win = x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
    idx = win.argmax(axis=-1)
    return np.take_along_axis(win, idx[..., None], axis=-1)[..., 0], idx


def pool_backward(dy, idx, shape):
    n, c, h, w = shape
    dwin = np.zeros((n, c, h // 2, w // 2, 4), dtype=dy.dtype)
    np.put_along_axis(dwin, idx[..., None], dy[..., None], axis=-1)
    return dwin.reshape(n, c, h // 2, w // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(shape)


def init(rng):
    def layer(shape, fan_in):
        bound = 1 / np.sqrt(fan_in)
        return [rng.uniform(-bound, bound, shape).astype(np.float32), rng.uniform(-bound, bound, shape[0]).astype(np.float32)]
    return [layer((6, 1, 5, 5), 25), layer((16, 6, 5, 5), 150), layer((120, 400), 400), layer((84, 120), 120), layer((10, 84), 84)]


def step(params, velocity, x, y, lr, momentum):
    (w1, b1), (w2, b2), (w3, b3), (w4, b4), (w5, b5) = params
    z1, col1 = conv_forward(x, w1, b1, 2)
    a1 = np.maximum(z1, 0)
    p1, i1 = pool_forward(a1)
    z2, col2 = conv_forward(p1, w2, b2, 0)
    a2 = np.maximum(z2, 0)
    p2, i2 = pool_forward(a2)
    h0 = p2.reshape(len(x), -1)
    z3 = h0 @ w3.T + b3; h3 = np.maximum(z3, 0)
    z4 = h3 @ w4.T + b4; h4 = np.maximum(z4, 0)
    logits = h4 @ w5.T + b5
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(len(y)), y] + 1e-12).mean()
    g = p
    g[np.arange(len(y)), y] -= 1
    g /= len(y)
    grads = [None] * 5
    grads[4] = (g.T @ h4, g.sum(axis=0)); g = (g @ w5) * (z4 > 0)
    grads[3] = (g.T @ h3, g.sum(axis=0)); g = (g @ w4) * (z3 > 0)
    grads[2] = (g.T @ h0, g.sum(axis=0)); g = (g @ w3).reshape(p2.shape)
    g = pool_backward(g, i2, a2.shape) * (z2 > 0)
    g, gw, gb = conv_backward(g, p1.shape, col2, w2, 0, True); grads[1] = (gw, gb)
    g = pool_backward(g, i1, a1.shape) * (z1 > 0)
    _, gw, gb = conv_backward(g, x.shape, col1, w1, 2, False); grads[0] = (gw, gb)
    for i, (gw, gb) in enumerate(grads):
        for j, grad in ((0, gw), (1, gb)):
            velocity[i][j] *= momentum
            velocity[i][j] += grad
            params[i][j] -= lr * velocity[i][j]
    return loss


def run(samples):
    x, y = load_train()
    x = x.reshape(-1, 1, 28, 28)[:samples]
    y = y[:samples]
    rng = np.random.default_rng(1)
    params = init(rng)
    velocity = [[np.zeros_like(w), np.zeros_like(b)] for w, b in params]
    start = time.perf_counter()
    order = rng.permutation(len(x))
    for k in range(0, len(x), 64):
        idx = order[k:k + 64]
        step(params, velocity, x[idx], y[idx], 0.01, 0.9)
    seconds = time.perf_counter() - start
    print(json.dumps({"workload": "fashion-lenet", "implementation": "numpy " + np.__version__,
                      "seconds": round(seconds, 3), "samples_per_second": round(len(x) / seconds),
                      "max_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 12_800)
