# Writes Tests/EngineTests/Reference/torch_regression.json: PyTorch's numbers for regression with MSELoss and
# HuberLoss (reduction 'mean', delta 1.0 and 0.5) on real targets through an identity output layer: the loss and
# the gradient of every parameter of a 3-4-2 tanh net, and the losses and parameters over three SGD steps.
# Run from the repository root: python3 bench/make_torch_regression_reference.py  (torch 2.x, CPU, float32).
# Inputs, targets and initial weights come from a seeded torch generator and are stored in the fixture.
import json, os, torch

torch.set_default_dtype(torch.float32)
g = torch.Generator().manual_seed(3)
def randn(*shape): return torch.randn(*shape, generator=g)
def flat(t): return t.detach().reshape(-1).tolist()

x = randn(6, 3)
# Targets of both signs and beyond ±1, so that Huber's linear part (|r| > delta) is exercised.
y = 2.5 * randn(6, 2) + 0.5
w1, b1, w2, b2 = 0.6 * randn(4, 3), 0.1 * randn(4), 0.6 * randn(2, 4), 0.1 * randn(2)

losses = {"mse": torch.nn.MSELoss(), "huber": torch.nn.HuberLoss(delta=1.0), "huber-0.5": torch.nn.HuberLoss(delta=0.5)}
cases = []
for name, criterion in losses.items():
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    with torch.no_grad():
        net[0].weight.copy_(w1); net[0].bias.copy_(b1); net[2].weight.copy_(w2); net[2].bias.copy_(b2)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    step_losses, first = [], None
    for step in range(3):
        opt.zero_grad()
        loss = criterion(net(x), y)
        loss.backward()
        step_losses.append(loss.item())
        if step == 0:
            first = [v for p in net.parameters() for v in flat(p.grad)]
        opt.step()
    cases.append({"loss": name, "losses": step_losses, "firstGradient": first,
                  "parameters": [v for p in net.parameters() for v in flat(p)]})

out = {"torch": torch.__version__, "x": flat(x), "y": flat(y),
       "initial": flat(w1) + flat(b1) + flat(w2) + flat(b2), "cases": cases}
path = os.path.join(os.path.dirname(__file__), "..", "Tests", "EngineTests", "Reference", "torch_regression.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.normpath(path), "with torch", torch.__version__)
