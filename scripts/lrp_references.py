"""Layer-wise relevance propagation written out layer by layer, for Lumen's LRP tests.

Every rule is computed here from its formula, on a small network with a strided, padded
convolution, a residual addition, average and max pooling and a dense layer: the input relevance
of each composite, in float64. Lumen compiles the same rules into the ONNX graph; the tests
compare the two. Also writes torchvision models with every bias zero (batch normalisation's
shift folded to zero), on which relevance must be conserved exactly up to the stabiliser.
"""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

EPSILON = 0.1      # the epsilon rule's epsilon in the references (large enough to matter)
GAMMA = 0.25
STABILIZER = 1e-6
LOW = [-1.0, -2.0, -1.5]
HIGH = [2.0, 1.0, 1.5]


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(6, 6, 3, padding=1)
        self.fc = nn.Linear(6 * 2 * 2, 3)

    def forward(self, x):
        a1 = F.relu(self.conv1(x))
        a2 = F.relu(self.conv2(a1) + a1)
        m = F.max_pool2d(F.avg_pool2d(a2, 2), 2, stride=1)
        return self.fc(torch.flatten(m, 1))


def stab(z, eps=STABILIZER):
    return z + eps * torch.where(z < 0, -1.0, 1.0).to(z)


def vjp(fwd, x, weight, g):
    """W'^T g: the gradient of the layer run with `weight` (no bias) at upstream `g`."""
    x = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        return torch.autograd.grad(fwd(x, weight, None), x, g)[0]


def linear_relevance(rule, fwd, x, w, b, r):
    """The input relevance of a layer z = fwd(x, w, b) under `rule`, from the rule's formula."""
    xp, xn = x.clamp(min=0), x.clamp(max=0)
    wp, wn = w.clamp(min=0), w.clamp(max=0)
    bp, bn = b.clamp(min=0), b.clamp(max=0)
    if rule in ("epsilon", "zero"):
        g = r / stab(fwd(x, w, b), EPSILON if rule == "epsilon" else STABILIZER)
        return x * vjp(fwd, x, w, g)
    if rule in ("zplus", "alpha2beta1"):
        alpha, beta = (1.0, 0.0) if rule == "zplus" else (2.0, 1.0)
        gp = r / stab(fwd(xp, wp, bp) + fwd(xn, wn, None))
        positive = xp * vjp(fwd, x, wp, gp) + xn * vjp(fwd, x, wn, gp)
        gn = r / stab(fwd(xp, wn, bn) + fwd(xn, wp, None))
        negative = xp * vjp(fwd, x, wn, gn) + xn * vjp(fwd, x, wp, gn)
        return alpha * positive - beta * negative
    if rule == "gamma":
        z = fwd(x, w, b)
        up, down = w + GAMMA * wp, w + GAMMA * wn
        b_up, b_down = b + GAMMA * bp, b + GAMMA * bn
        gp = (z > 0).to(z) * r / stab(fwd(xp, up, b_up) + fwd(xn, down, None))
        gn = (z < 0).to(z) * r / stab(fwd(xp, down, b_down) + fwd(xn, up, None))
        return xp * (vjp(fwd, x, up, gp) + vjp(fwd, x, down, gn)) + xn * (vjp(fwd, x, down, gp) + vjp(fwd, x, up, gn))
    if rule == "zbox":
        low = torch.tensor(LOW, dtype=x.dtype).view(1, -1, 1, 1).expand_as(x)
        high = torch.tensor(HIGH, dtype=x.dtype).view(1, -1, 1, 1).expand_as(x)
        g = r / stab(fwd(x, w, b) - fwd(low, wp, bp) - fwd(high, wn, bn))
        return x * vjp(fwd, x, w, g) - low * vjp(fwd, x, wp, g) - high * vjp(fwd, x, wn, g)
    ones = torch.ones_like(x)
    if rule == "wsquare":
        g = r / stab(fwd(ones, w * w, b * b))
        return vjp(fwd, x, w * w, g)
    if rule == "flat":
        g = r / stab(fwd(ones, torch.ones_like(w), None))
        return vjp(fwd, x, torch.ones_like(w), g)
    raise ValueError(rule)


def tiny_relevance(model, x, first, conv, dense):
    """The input relevance of the top class: each layer's rule in turn, from the logits down."""
    c1, c2, fc = model.conv1, model.conv2, model.fc
    conv1 = lambda v, w, b: F.conv2d(v, w, b, stride=2, padding=1)
    conv2 = lambda v, w, b: F.conv2d(v, w, b, padding=1)
    h1 = conv1(x, c1.weight, c1.bias)
    a1 = F.relu(h1)
    h2 = conv2(a1, c2.weight, c2.bias)
    s = h2 + a1
    a2 = F.relu(s)
    p = F.avg_pool2d(a2, 2)
    m = F.max_pool2d(p, 2, stride=1)
    f = torch.flatten(m, 1)
    logits = fc(f)
    target = logits[0].argmax()
    r = torch.zeros_like(logits)
    r[0, target] = logits[0, target]
    r_m = linear_relevance(dense, lambda v, w, b: F.linear(v, w, b), f, fc.weight, fc.bias, r).view_as(m)
    p_ = p.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        r_p = torch.autograd.grad(F.max_pool2d(p_, 2, stride=1), p_, r_m)[0]       # winner takes all
    a2_ = a2.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        r_a2 = a2 * torch.autograd.grad(F.avg_pool2d(a2_, 2), a2_, r_p / stab(p))[0]  # normalised
    r_s = r_a2                                                                   # ReLU passes
    r_h2 = h2 * r_s / stab(s)                                                    # the sum splits
    r_a1 = linear_relevance(conv, conv2, a1, c2.weight, c2.bias, r_h2) + a1 * r_s / stab(s)
    return linear_relevance(first or conv, conv1, x, c1.weight, c1.bias, r_a1)


COMPOSITES = {  # name: (first layer, convolutions, dense layers), as zennit's composites
    "epsilon": (None, "epsilon", "epsilon"),
    "epsilon-gamma-box": ("zbox", "gamma", "epsilon"),
    "epsilon-plus": (None, "zplus", "epsilon"),
    "epsilon-plus-flat": ("flat", "zplus", "epsilon"),
    "epsilon-alpha2-beta1": (None, "alpha2beta1", "epsilon"),
    "epsilon-alpha2-beta1-flat": ("flat", "alpha2beta1", "epsilon"),
    "epsilon-plus+first=wsquare": ("wsquare", "zplus", "epsilon"),
    "epsilon+conv=zero": (None, "zero", "epsilon"),
}


class VggStyle(nn.Module):
    """VGG's pattern at a small size: convolution, batch normalisation and ReLU blocks, max pooling, a dense head."""

    def __init__(self):
        super().__init__()
        layers, channels = [], 3
        for width in (16, 'M', 32, 'M', 32, 32, 'M'):
            if width == 'M':
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(channels, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU()]
                channels = width
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(32 * 8 * 8, 64), nn.ReLU(), nn.Dropout(),
                                        nn.Linear(64, 5))

    def forward(self, x):
        return self.classifier(self.features(x))


def without_biases(model):
    """Every bias zero and every batch normalisation a pure scale: relevance then has nowhere to leak."""
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            # random statistics, so the normalisation is not the identity
            module.running_var.uniform_(0.5, 2.0)
            module.running_mean.normal_()
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data = module.running_mean * module.weight / torch.sqrt(module.running_var + module.eps)
        elif isinstance(module, (nn.Conv2d, nn.Linear)) and module.bias is not None:
            module.bias.data.zero_()
    return model.eval()


def unit_scale(model, x):
    """Each batch normalisation's scale set, in order, so its output has unit spread on `x`: with random
    weights and no biases MobileNetV2's activations otherwise fade to 1e-8, below the stabiliser."""
    for module in [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]:
        captured = {}
        handle = module.register_forward_hook(lambda m, i, o: captured.setdefault("out", o))
        with torch.no_grad():
            model(x)
        handle.remove()
        factor = captured["out"].std().item()
        module.weight.data /= factor
        module.bias.data /= factor
    return model


def write(out_dir):
    torch.manual_seed(5)
    model = Tiny().eval()
    x = torch.randn(1, 3, 12, 12)
    torch.onnx.export(model, x, os.path.join(out_dir, "lrp-tiny.onnx"), opset_version=13, input_names=["input"],
                      output_names=["scores"], dynamic_axes={"input": {0: "n"}, "scores": {0: "n"}})
    np.save(os.path.join(out_dir, "lrp-tiny.input.npy"), x.numpy())
    model, x = model.double(), x.double()
    with torch.no_grad():
        for name, rules in COMPOSITES.items():
            np.save(os.path.join(out_dir, "lrp-tiny." + name + ".npy"), tiny_relevance(model, x, *rules).numpy())
    for name, net, size in (("resnet18", torchvision.models.resnet18(), 224),
                            ("densenet121", torchvision.models.densenet121(), 224),
                            ("mobilenet_v2", torchvision.models.mobilenet_v2(), 224),
                            ("vgg_style", VggStyle(), 64)):
        x = torch.randn(1, 3, size, size)
        net = unit_scale(without_biases(net), x)
        torch.onnx.export(net, x, os.path.join(out_dir, name + "-nobias.onnx"), opset_version=13,
                          input_names=["input"], output_names=["scores"],
                          dynamic_axes={"input": {0: "n"}, "scores": {0: "n"}})
        np.save(os.path.join(out_dir, name + "-nobias.input.npy"), x.numpy())
        print("wrote", name + "-nobias.onnx")
