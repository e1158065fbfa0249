# Writes Tests/EngineTests/Reference/torch_layers.json: PyTorch's numbers for batch-norm, dropout, the
# optimizers with weight decay, the learning-rate schedules, the new activations and the init schemes.
# Run from the repository root: python3 bench/make_torch_layers_reference.py  (torch 2.x, CPU, float32).
# Inputs are drawn from a seeded torch generator and stored in the fixture, so Swift needs no torch RNG.
import json, math, os, torch

torch.set_default_dtype(torch.float32)
g = torch.Generator().manual_seed(0)
def randn(*shape): return torch.randn(*shape, generator=g)
def flat(t): return t.detach().reshape(-1).tolist()

out = {"torch": torch.__version__}

# --- batch-norm: training forward/backward, running statistics, evaluation forward/backward --------------
def batch_norm_case(shape, momentum, eps, steps=2):
    c = shape[1]
    bn = torch.nn.BatchNorm1d(c, momentum=momentum, eps=eps) if len(shape) == 2 else \
        torch.nn.BatchNorm2d(c, momentum=momentum, eps=eps)
    with torch.no_grad():
        bn.weight.copy_(1 + 0.3 * randn(c)); bn.bias.copy_(0.2 * randn(c))
    gamma, beta = flat(bn.weight), flat(bn.bias)
    xs = [2 * randn(*shape) + 0.5 for _ in range(steps)]
    w = randn(*shape)                                   # loss = Σ w ⊙ y, so ∂L/∂y = w
    train = []
    bn.train()
    for x in xs:
        x = x.clone().requires_grad_(True)
        bn.zero_grad()
        y = bn(x)
        (w * y).sum().backward()
        train.append({"x": flat(x), "y": flat(y), "dx": flat(x.grad), "dgamma": flat(bn.weight.grad),
                      "dbeta": flat(bn.bias.grad), "running_mean": flat(bn.running_mean), "running_var": flat(bn.running_var)})
    bn.eval()
    x = xs[0].clone().requires_grad_(True)
    bn.zero_grad()
    y = bn(x)
    (w * y).sum().backward()
    return {"shape": list(shape), "momentum": momentum, "eps": eps, "gamma": gamma, "beta": beta, "w": flat(w),
            "train": train, "eval": {"x": flat(x), "y": flat(y), "dx": flat(x.grad), "dgamma": flat(bn.weight.grad),
                                     "dbeta": flat(bn.bias.grad)}}

out["batch_norm"] = [batch_norm_case((8, 5), 0.1, 1e-5), batch_norm_case((6, 3), 0.3, 1e-3),
                     batch_norm_case((2, 3, 2, 2), 0.1, 1e-5)]

# --- dropout: torch's values in training (0 or 1/(1-p)), identity in evaluation, gradient = the same mask ----
drop = []
for p in [0.2, 0.5]:
    x = torch.ones(200_000, requires_grad=True)
    d = torch.nn.Dropout(p)
    d.train()
    y = d(x)
    y.sum().backward()
    d.eval()
    drop.append({"p": p, "train_values": sorted(set(flat(y))), "zero_fraction": float((y == 0).float().mean()),
                 "grad_equals_output": bool(torch.equal(x.grad, y.detach())),
                 "eval_is_identity": bool(torch.equal(d(x), x))})
out["dropout"] = drop

# --- optimizers: 6 steps on a fixed parameter vector with fixed gradients ----------------------------------
p0 = randn(7)
grads = [randn(7) for _ in range(6)]
optimizers = {
    "sgd-wd": lambda ps: torch.optim.SGD(ps, lr=0.1, weight_decay=0.05),
    "momentum-wd": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.05),
    "nesterov-wd": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.05),
    "adam-wd": lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.1),
    "adamw": lambda ps: torch.optim.AdamW(ps, lr=0.01),
    "adamw-wd": lambda ps: torch.optim.AdamW(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.3),
    "rmsprop": lambda ps: torch.optim.RMSprop(ps, lr=0.01),
    "rmsprop-momentum-wd": lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-6, momentum=0.5, weight_decay=0.1),
    "rmsprop-centered": lambda ps: torch.optim.RMSprop(ps, lr=0.01, centered=True),
    "rmsprop-centered-momentum": lambda ps: torch.optim.RMSprop(ps, lr=0.01, centered=True, momentum=0.9),
    "adagrad": lambda ps: torch.optim.Adagrad(ps, lr=0.1),
    "adagrad-decay-wd": lambda ps: torch.optim.Adagrad(ps, lr=0.1, lr_decay=0.01, weight_decay=0.05, eps=1e-8),
}
opt_cases = []
for name, make in optimizers.items():
    p = torch.nn.Parameter(p0.clone())
    opt = make([p])
    trace = []
    for gr in grads:
        p.grad = gr.clone()
        opt.step()
        trace.append(flat(p))
    opt_cases.append({"name": name, "params": trace})
out["optimizers"] = {"initial": flat(p0), "gradients": [flat(x) for x in grads], "cases": opt_cases}

# --- schedules: the learning rate of each epoch (schedulers stepped once per epoch) ---------------------------
def lrs(make, epochs, losses=None):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    s = make(opt)
    seq = []
    for e in range(epochs):
        seq.append(opt.param_groups[0]["lr"])
        opt.step()
        s.step(losses[e]) if losses is not None else s.step()
    return seq

def warm(main, warmup, start):
    return lambda o: torch.optim.lr_scheduler.SequentialLR(
        o, [torch.optim.lr_scheduler.LinearLR(o, start_factor=start, end_factor=1.0, total_iters=warmup), main(o)],
        milestones=[warmup])

E = 12
plateau_losses = [1.0, 0.8, 0.79, 0.795, 0.8, 0.81, 0.7, 0.71, 0.72, 0.73, 0.74, 0.75]
sched = {
    "step": (lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), None),
    "multi-step": (lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 7], gamma=0.1), None),
    "exponential": (lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9), None),
    "cosine": (lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=E), None),
    "cosine-min": (lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=E, eta_min=0.01), None),
    "warmup-cosine": (warm(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=E - 3), 3, 1 / 3), None),
    "warmup-step": (warm(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=4, gamma=0.5), 2, 0.1), None),
    "plateau": (lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, patience=2, factor=0.5), plateau_losses),
}
out["schedules"] = {"epochs": E, "lr": 0.1, "plateau_losses": plateau_losses,
                    "cases": [{"name": n, "lr": lrs(m, E, l)} for n, (m, l) in sched.items()]}

# --- activations: values and derivatives on a grid ---------------------------------------------------------
xs = torch.linspace(-6, 6, 97, dtype=torch.float64)
acts = {"selu": torch.nn.SELU(), "softplus": torch.nn.Softplus(), "hard-tanh": torch.nn.Hardtanh(),
        "silu": torch.nn.SiLU()}
act_cases = []
for name, f in acts.items():
    x = xs.clone().requires_grad_(True)
    y = f(x)
    y.sum().backward()
    act_cases.append({"name": name, "y": flat(y), "dy": flat(x.grad)})
out["activations"] = {"x": flat(xs), "cases": act_cases}

# --- init: distribution statistics of torch.nn.init on a 300×200 weight (fan_in 200, fan_out 300) -----------
inits = {
    "xavier-uniform": torch.nn.init.xavier_uniform_, "xavier-normal": torch.nn.init.xavier_normal_,
    "he-uniform": lambda w: torch.nn.init.kaiming_uniform_(w, nonlinearity="relu"),
    "he-normal": lambda w: torch.nn.init.kaiming_normal_(w, nonlinearity="relu"),
    "lecun-uniform": lambda w: torch.nn.init.kaiming_uniform_(w, nonlinearity="linear"),
    "lecun-normal": lambda w: torch.nn.init.kaiming_normal_(w, nonlinearity="linear"),
    "orthogonal": torch.nn.init.orthogonal_,
}
init_cases = []
for name, f in inits.items():
    w = torch.empty(300, 200)
    torch.manual_seed(1)
    f(w)
    init_cases.append({"name": name, "mean": float(w.mean()), "std": float(w.std()), "max_abs": float(w.abs().max()),
                       "rows_orthonormal_error": float((w.t() @ w - torch.eye(200)).abs().max())})
out["init"] = {"fan_out": 300, "fan_in": 200, "cases": init_cases}

path = os.path.join(os.path.dirname(__file__), "..", "Tests", "EngineTests", "Reference", "torch_layers.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.normpath(path), "with torch", torch.__version__)
