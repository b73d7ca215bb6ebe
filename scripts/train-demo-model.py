#!/usr/bin/env python3
"""Trains the small demo model that `lumen demo` explains, and draws its demo studies.

The studies are synthetic chest-radiograph-like images (lung fields, mediastinum,
spine, ribs, noise) with one of three findings: none ("normal"), a small dense
"nodule", or a large diffuse "opacity". A small CNN whose head is global average
pooling + linear (so CAM applies) learns them. Everything is deterministic
from the seed; the outputs are committed under lumen-app's resources and this
script reproduces them.

Usage: train-demo-model.py OUT_DIR
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from cnn_training import conv_block, recalibrate_batch_norm

LABELS = ["normal", "nodule", "opacity"]
TRAIN_SIZE = 128
SEED = 2026
MEAN, STD = 0.5, 0.25


def normalise(x):
    return (x - MEAN) / STD


def smooth_noise(rng, size, scale):
    coarse = rng.normal(size=(size // scale + 2, size // scale + 2))
    t = torch.tensor(coarse, dtype=torch.float32)[None, None]
    return F.interpolate(t, size=(size, size), mode="bilinear", align_corners=False)[0, 0].numpy()


def disc(yy, xx, cy, cx, r, soft):
    d = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2)
    return np.clip((r - d) / soft + 0.5, 0, 1)


def study(rng, size, finding):
    """One image in [0, 1] (size x size) and the finding's mask."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    img = 0.6 + 0.04 * smooth_noise(rng, size, 16) - 0.1 * np.abs(xx - 0.5)
    lungs = np.zeros_like(img)
    spread = rng.uniform(0.9, 1.1)
    for side in (-1, 1):
        cx = 0.5 + side * 0.21 * spread
        ell = ((xx - cx) / 0.16) ** 2 + ((yy - 0.5) / 0.36) ** 2
        lungs = np.maximum(lungs, np.clip((1 - ell) * 4, 0, 1))
    img -= 0.35 * lungs
    ribs = 0.5 + 0.5 * np.sin((yy * 14 + 2 * (xx - 0.5) ** 2 * 10) * np.pi + rng.uniform(0, 6))
    img += 0.06 * ribs * lungs
    img += 0.25 * np.clip(1 - np.abs(xx - 0.5) / 0.05, 0, 1)  # spine
    heart = disc(yy, xx, 0.66, 0.45 + rng.uniform(-0.02, 0.02), 0.13, 0.04)
    img = img * (1 - heart) + 0.62 * heart
    mask = np.zeros_like(img)
    if finding != "normal":
        side = rng.choice([-1, 1])
        cx = 0.5 + side * 0.21 * spread + rng.uniform(-0.05, 0.05)
        cy = rng.uniform(0.3, 0.7)
        if finding == "nodule":
            mask = disc(yy, xx, cy, cx, rng.uniform(0.04, 0.06), 0.01)
            img += 0.3 * mask
        else:
            mask = disc(yy, xx, cy, cx, rng.uniform(0.09, 0.13), 0.06)
            img += 0.3 * mask * (0.8 + 0.2 * smooth_noise(rng, size, 8))
    img += rng.normal(scale=0.03, size=img.shape)
    img *= rng.uniform(0.85, 1.15)
    return np.clip(img, 0, 1).astype(np.float32), mask > 0.5


class DemoNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(conv_block(1, 16), nn.MaxPool2d(2), conv_block(16, 32), nn.MaxPool2d(2),
                                      conv_block(32, 48), nn.MaxPool2d(2), conv_block(48, 64))
        self.fc = nn.Linear(64, len(LABELS))

    def forward(self, x):
        f = self.features(x)  # x is normalised by the card's mean and std
        return torch.softmax(self.fc(F.adaptive_avg_pool2d(f, 1).flatten(1)), dim=1)


def dataset(rng, n):
    ys = rng.integers(0, len(LABELS), size=n)
    xs = np.stack([study(rng, TRAIN_SIZE, LABELS[y])[0] for y in ys])[:, None]
    return torch.tensor(xs), torch.tensor(ys)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(SEED)
    x_train, y_train = dataset(rng, 3000)
    x_test, y_test = dataset(rng, 600)
    model = DemoNet()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(3):
        model.train()
        order = torch.randperm(len(x_train))
        for i in range(0, len(order), 64):
            idx = order[i:i + 64]
            probs = model(normalise(x_train[idx]))
            loss = F.nll_loss(torch.log(probs + 1e-8), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        recalibrate_batch_norm(model, x_train, MEAN, STD)
        model.eval()
        with torch.no_grad():
            acc = (model(normalise(x_test)).argmax(1) == y_test).float().mean().item()
        print(f"epoch {epoch} loss {loss.item():.3f} held-out accuracy {acc:.3f}")
    torch.onnx.export(model, x_test[:1], os.path.join(out, "chest-demo.onnx"), opset_version=13,
                      input_names=["image"], output_names=["probabilities"],
                      dynamic_axes={"image": {0: "n"}, "probabilities": {0: "n"}})
    card = {
        "name": "chest-demo",
        "description": "Demo classifier of synthetic chest radiographs; trained by "
                       "scripts/train-demo-model.py (seed %d), held-out accuracy %.3f." % (SEED, acc),
        "labels": LABELS,
        "task": "multi-class",
        "preprocessing": {"resize": "stretch", "scale": "unit",
                          "mean": [MEAN], "std": [STD]},
    }
    with open(os.path.join(out, "chest-demo.lumen.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    from PIL import Image
    demo_rng = np.random.default_rng(SEED + 1)
    for i, finding in enumerate(["nodule", "opacity", "normal", "nodule", "opacity", "normal"]):
        img, _ = study(demo_rng, 256, finding)
        Image.fromarray((img * 255).round().astype(np.uint8)).save(
            os.path.join(out, "study-%d-%s.png" % (i + 1, finding)))
    print("held-out accuracy", acc)


if __name__ == "__main__":
    main()
