# Generates torch_reference.json: PyTorch's numbers for a tiny network the Swift tests rebuild exactly.
# Run: python3 make_torch_reference.py  (torch 2.x, CPU). Inputs and weights are literal so Swift needs no RNG.
import json, torch

torch.set_default_dtype(torch.float32)
X = [[0.5, -1.0, 0.25], [1.5, 0.3, -0.7], [-0.2, 0.8, 1.1], [0.9, -0.4, 0.05], [-1.3, 0.6, -0.9], [0.1, 0.2, 0.3]]
Y = [0, 2, 1, 2, 0, 1]
W1 = [[0.2, -0.3, 0.5], [0.7, 0.1, -0.4], [-0.6, 0.25, 0.15], [0.05, -0.45, 0.35]]
B1 = [0.1, -0.05, 0.0, 0.2]
W2 = [[0.3, -0.2, 0.6, -0.1], [-0.5, 0.4, 0.05, 0.2], [0.15, 0.25, -0.35, 0.45]]
B2 = [0.0, 0.1, -0.1]

def net(act):
    m = torch.nn.Sequential(torch.nn.Linear(3, 4), act, torch.nn.Linear(4, 3))
    with torch.no_grad():
        m[0].weight.copy_(torch.tensor(W1)); m[0].bias.copy_(torch.tensor(B1))
        m[2].weight.copy_(torch.tensor(W2)); m[2].bias.copy_(torch.tensor(B2))
    return m

def flat(m):
    # the engine's layout: W (out×in row-major), b per layer; then the PReLU slope of hidden layer 0 after b1
    out = []
    for name, p in m.named_parameters():
        out += p.detach().reshape(-1).tolist()
    return out

acts = {"tanh": torch.nn.Tanh(), "gelu": torch.nn.GELU(), "mish": torch.nn.Mish(), "elu": torch.nn.ELU(),
        "swish": torch.nn.SiLU(), "sigmoid": torch.nn.Sigmoid(), "relu": torch.nn.ReLU(),
        "leaky-relu": torch.nn.LeakyReLU(0.01)}
x, y = torch.tensor(X), torch.tensor(Y)
cases = []
for aname, act in acts.items():
    for oname, make in [("sgd", lambda p: torch.optim.SGD(p, lr=0.1)),
                        ("momentum", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
                        ("nesterov", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
                        ("adam", lambda p: torch.optim.Adam(p, lr=0.01))]:
        for lname, lossf in [("cross-entropy", torch.nn.CrossEntropyLoss()), ("huber", None)]:
            m = net(act)
            opt = make(m.parameters())
            losses = []
            for step in range(3):
                opt.zero_grad()
                out = m(x)
                if lname == "huber":   # softmax output, Huber(δ=1) against one-hot targets, mean over all elements
                    loss = torch.nn.HuberLoss(delta=1.0)(torch.softmax(out, 1), torch.nn.functional.one_hot(y, 3).float())
                else:
                    loss = lossf(out, y)
                loss.backward()
                if step == 0:
                    grad = []
                    for p in m.parameters(): grad += p.grad.reshape(-1).tolist()
                losses.append(loss.item())
                opt.step()
            cases.append({"activation": aname, "optimizer": oname, "loss": lname,
                          "losses": losses, "firstGradient": grad, "parameters": flat(m)})
json.dump({"torch": torch.__version__, "x": X, "y": Y, "w1": W1, "b1": B1, "w2": W2, "b2": B2, "cases": cases},
          open("torch_reference.json", "w"), separators=(",", ":"))
print(len(cases), "cases")
