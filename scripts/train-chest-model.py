#!/usr/bin/env python3
"""Trains a multi-label chest model on Lumen's own synthetic studies (`lumen demo-data`).

The studies (lungs, ribs, spine, clavicles, heart; nodule, opacity, effusion and
cardiomegaly with exact masks) are drawn by Lumen from a seed; this script only
trains: a small CNN whose head is global average pooling + linear + sigmoid, so CAM
applies. It writes the model and its card, and prints the held-out AUC of every
finding (and on test.csv where the set has one). Deterministic from the seeds.

Usage: train-chest-model.py DATA_DIR OUT_DIR [SET]
  DATA_DIR  a folder written by `lumen demo-data` (the shipped models: chest from
            `--size 256 --count 2000 --seed 1`, chest-shortcut from `--sets shortcut --size 128
            --count 2400 --seed 11 --valid 0.3`)
  SET       chest (default; writes chest-findings.onnx) or chest-shortcut (the set of
            `--sets shortcut`, whose marker gives the nodule away; writes chest-shortcut.onnx)
"""
import csv
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from cnn_training import conv_block, recalibrate_batch_norm
from train_metrics import auc
from PIL import Image

SEED = 2027
MEAN, STD = 0.5, 0.25


MODELS = {"chest": "chest-findings", "chest-shortcut": "chest-shortcut"}
# The findings set's nodules sit among ribs and vessels and need more passes; the shortcut
# set's marker is learnt in a few.
EPOCHS = {"chest": 12, "chest-shortcut": 8}


def load(folder, split):
    rows = list(csv.DictReader(open(os.path.join(folder, split + ".csv"))))
    labels = [c for c in rows[0] if c != "image" and ":" not in c]
    xs = np.stack([np.asarray(Image.open(os.path.join(folder, r["image"])), dtype=np.float32) / 255 for r in rows])
    ys = np.array([[float(r[label]) for label in labels] for r in rows], dtype=np.float32)
    return torch.tensor(xs[:, None]), torch.tensor(ys), labels


class ChestNet(nn.Module):
    def __init__(self, classes):
        super().__init__()

        self.features = nn.Sequential(conv_block(1, 16), nn.MaxPool2d(2), conv_block(16, 32), nn.MaxPool2d(2),
                                      conv_block(32, 48), nn.MaxPool2d(2), conv_block(48, 64), conv_block(64, 64))
        self.fc = nn.Linear(64, classes)

    def forward(self, x):  # x is normalised by the card's mean and std
        return torch.sigmoid(self.fc(F.adaptive_avg_pool2d(self.features(x), 1).flatten(1)))


def main():
    data, out = sys.argv[1], sys.argv[2]
    data_set = sys.argv[3] if len(sys.argv) > 3 else "chest"
    name = MODELS[data_set]
    folder = os.path.join(data, data_set)
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    x_train, y_train, labels = load(folder, "train")
    x_test, y_test, _ = load(folder, "valid")
    model = ChestNet(len(labels))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(EPOCHS[data_set]):
        model.train()
        order = torch.randperm(len(x_train))
        for i in range(0, len(order), 64):
            idx = order[i:i + 64]
            loss = F.binary_cross_entropy(model((x_train[idx] - MEAN) / STD), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        recalibrate_batch_norm(model, x_train, MEAN, STD)
        model.eval()
        with torch.no_grad():
            p = model((x_test - MEAN) / STD).numpy()
        aucs = [auc(p[:, c], y_test[:, c].numpy()) for c in range(len(labels))]
        print(f"epoch {epoch} loss {loss.item():.3f} held-out AUC " + " ".join(f"{l} {a:.3f}" for l, a in zip(labels, aucs)))
    description = "held-out AUC " + ", ".join("%s %.3f" % (l, a) for l, a in zip(labels, aucs))
    if os.path.exists(os.path.join(folder, "test.csv")):
        x_unconfounded, y_unconfounded, _ = load(folder, "test")
        with torch.no_grad():
            p = model((x_unconfounded - MEAN) / STD).numpy()
        aucs = [auc(p[:, c], y_unconfounded[:, c].numpy()) for c in range(len(labels))]
        print("test.csv AUC " + " ".join(f"{l} {a:.3f}" for l, a in zip(labels, aucs)))
        description = ("AUC on the marker-confounded held-out split " + description[len("held-out AUC "):]
                       + "; on the unconfounded test split " + ", ".join("%s %.3f" % (l, a) for l, a in zip(labels, aucs)))
    torch.onnx.export(model, x_test[:1], os.path.join(out, name + ".onnx"), opset_version=13,
                      input_names=["image"], output_names=["probabilities"],
                      dynamic_axes={"image": {0: "n"}, "probabilities": {0: "n"}})
    card = {
        "name": name,
        "description": "Multi-label classifier of Lumen's synthetic chest radiographs (lumen demo-data, set %s); "
                       "trained by scripts/train-chest-model.py (seed %d); %s." % (data_set, SEED, description),
        "labels": labels,
        "task": "multi-label",
        "input": {"width": x_test.shape[3], "height": x_test.shape[2]},
        "preprocessing": {"resize": "stretch", "scale": "unit", "mean": [MEAN], "std": [STD]},
    }
    with open(os.path.join(out, name + ".lumen.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
