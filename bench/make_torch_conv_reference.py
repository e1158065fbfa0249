# Generates Tests/EngineTests/Reference/torch_conv_reference.json: PyTorch's conv2d, max-pool2d, avg-pool2d and
# global average pooling (forward, input gradient, weight and bias gradients) for shapes the Swift tests rebuild.
# Run from the repository root: python3 bench/make_torch_conv_reference.py   (torch 2.x, CPU, float32)
import json, pathlib, torch
import torch.nn.functional as F

torch.manual_seed(11)
torch.set_default_dtype(torch.float32)

def r(t):
    # float32 values written with 9 significant digits: enough to round-trip every float32 exactly
    return [float("%.9g" % v) for v in t.detach().reshape(-1).tolist()]

def q(shape, scale=1.0):
    # inputs on a 1/1024 grid: exact in float32 and in JSON, so both sides start from identical numbers
    return torch.round(torch.randn(shape) * scale * 1024) / 1024

conv_cases = []
# (images, channels, height, width, filters, kernel, stride, padding): odd and even sizes, stride 2, padding 1 and 2,
# several channels, a kernel as large as the padded input, and LeNet's second layer
for n, c, h, w, f, k, s, p in [(2, 1, 7, 7, 3, 3, 1, 0), (2, 3, 8, 6, 4, 3, 2, 1), (1, 2, 9, 10, 5, 5, 1, 2),
                                (3, 4, 6, 6, 2, 2, 2, 0), (2, 2, 5, 5, 3, 4, 2, 2), (2, 3, 5, 4, 2, 5, 1, 1),
                                (1, 6, 14, 14, 16, 5, 1, 0), (2, 1, 12, 12, 6, 5, 1, 2)]:
    x = q((n, c, h, w)).requires_grad_()
    weight = q((f, c, k, k), 0.3).requires_grad_()
    bias = q((f,), 0.1).requires_grad_()
    y = F.conv2d(x, weight, bias, stride=s, padding=p)
    dy = q(y.shape)
    y.backward(dy)
    conv_cases.append(dict(images=n, channels=c, height=h, width=w, filters=f, kernel=k, stride=s, padding=p,
                           x=r(x), weights=r(weight), bias=r(bias), outputGradient=r(dy), output=r(y),
                           inputGradient=r(x.grad), weightGradient=r(weight.grad), biasGradient=r(bias.grad)))

pool_cases = []
# small integers make ties common: torch sends the gradient to the first maximum of each window
for kind, n, c, h, w, k, s, ties in [("max", 2, 2, 6, 6, 2, 2, True), ("max", 1, 3, 7, 7, 3, 2, True),
                                      ("max", 2, 1, 5, 6, 2, 1, True), ("max", 1, 2, 5, 5, 2, 2, False),
                                      ("avg", 2, 2, 6, 8, 2, 2, False), ("avg", 1, 3, 7, 7, 3, 2, False),
                                      ("avg", 1, 2, 5, 5, 2, 2, False), ("global", 2, 3, 5, 4, 0, 0, False)]:
    x = (torch.randint(-2, 3, (n, c, h, w)).float() if ties else q((n, c, h, w))).requires_grad_()
    if kind == "max":
        y = F.max_pool2d(x, k, s)
    elif kind == "avg":
        y = F.avg_pool2d(x, k, s)
    else:
        y = F.adaptive_avg_pool2d(x, 1).flatten(1)
    dy = q(y.shape)
    y.backward(dy)
    pool_cases.append(dict(kind=kind, images=n, channels=c, height=h, width=w, kernel=k, stride=s,
                           x=r(x), outputGradient=r(dy), output=r(y), inputGradient=r(x.grad)))

out = pathlib.Path(__file__).resolve().parent.parent / "Tests/EngineTests/Reference/torch_conv_reference.json"
out.write_text(json.dumps({"torch": torch.__version__, "conv": conv_cases, "pool": pool_cases}) + "\n")
print(out, out.stat().st_size, "bytes")
