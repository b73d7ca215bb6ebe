#!/usr/bin/env python3
"""Trains the three MRNet-style knee models, one per plane, on Lumen's synthetic exams.

The exams (`lumen demo-data --sets knee`: femur, tibia, patella, cartilage, menisci,
ligaments, fluid; ACL tears, meniscal tears, effusions, bone bruises) are drawn by Lumen
from a seed in the MRNet layout; this script only trains. Each model is MRNet's design
made small: a CNN applied to every slice, global average pooling, the maximum over the
slices, a linear layer and a sigmoid per label (abnormal, acl, meniscus). Its first layer
halves the slice by 2x2 averaging, so the CNN sees 64 x 64 pixels and CAM maps are 16 x 16.
Writes knee-PLANE.onnx and its model card per plane, and prints the held-out AUCs.
Deterministic from the seeds.

Usage: train-knee-models.py DATA_DIR OUT_DIR [PLANE...]
  DATA_DIR  a folder written by `lumen demo-data --sets knee --size 128` (its knee/ subfolder is read)
  PLANE     axial, coronal or sagittal (default: all three)
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from cnn_training import conv_block, recalibrate_batch_norm
from train_metrics import auc

SEED = 2028
PLANES = ["axial", "coronal", "sagittal"]
LABELS = ["abnormal", "acl", "meniscus"]
EXAMS_PER_STEP = 8
EPOCHS = 12


def load(knee, split, plane):
    """The split's exams of one plane (a list of [S, 1, H, W] tensors in [0, 1]) and their labels."""
    columns = []
    for label in LABELS:
        rows = [line.split(",") for line in open(os.path.join(knee, f"{split}-{label}.csv")).read().split()]
        columns.append({r[0]: float(r[1]) for r in rows})
    ids = sorted(columns[0])
    exams = [torch.tensor(np.load(os.path.join(knee, split, plane, i + ".npy")), dtype=torch.float32)[:, None] / 255
             for i in ids]
    return exams, torch.tensor([[c[i] for c in columns] for i in ids])


class PlaneNet(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.mean, self.std = mean, std
        self.features = nn.Sequential(nn.AvgPool2d(2), conv_block(1, 16), nn.MaxPool2d(2), conv_block(16, 32),
                                      nn.MaxPool2d(2), conv_block(32, 48), conv_block(48, 64))
        self.fc = nn.Linear(64, len(LABELS))

    def pooled(self, slices):  # slices: (S, 1, H, W), normalised
        return F.adaptive_avg_pool2d(self.features(slices), 1).flatten(1)

    def forward(self, x):  # x: (1, S, 1, H, W), one exam, as MRNet's loader gives it
        slice_max = torch.max(self.pooled(torch.squeeze(x, 0)), 0, keepdim=True)[0]
        return torch.sigmoid(self.fc(slice_max))

    def exams(self, exams):
        """Probabilities of a list of exams, their slices run as one batch."""
        pooled = self.pooled((torch.cat(exams) - self.mean) / self.std)
        maxima = [p.max(0)[0] for p in torch.split(pooled, [len(e) for e in exams])]
        return torch.sigmoid(self.fc(torch.stack(maxima)))


def held_out_aucs(model, exams, y):
    model.eval()
    with torch.no_grad():
        p = torch.cat([model.exams(exams[i:i + 16]) for i in range(0, len(exams), 16)]).numpy()
    return [auc(p[:, c], y[:, c].numpy()) for c in range(len(LABELS))]


def train(knee, plane, out):
    torch.manual_seed(SEED)
    x_train, y_train = load(knee, "train", plane)
    x_valid, y_valid = load(knee, "valid", plane)
    pixels = torch.cat(x_train)
    mean, std = round(pixels.mean().item(), 3), round(pixels.std().item(), 3)   # per plane: each has its own contrast
    model = PlaneNet(mean, std)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(EPOCHS):
        model.train()
        order = torch.randperm(len(x_train)).tolist()
        for i in range(0, len(order), EXAMS_PER_STEP):
            idx = order[i:i + EXAMS_PER_STEP]
            loss = F.binary_cross_entropy(model.exams([x_train[j] for j in idx]), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        recalibrate_batch_norm(model, pixels, mean, std)
        aucs = held_out_aucs(model, x_valid, y_valid)
        print(f"{plane} epoch {epoch} loss {loss.item():.3f} held-out AUC "
              + " ".join(f"{l} {a:.3f}" for l, a in zip(LABELS, aucs)), flush=True)
    name = "knee-" + plane
    torch.onnx.export(model, ((x_valid[0][None] - mean) / std,), os.path.join(out, name + ".onnx"), opset_version=13,
                      input_names=["exam"], output_names=["probabilities"], dynamic_axes={"exam": {1: "slices"}})
    card = {
        "name": name,
        "description": "MRNet-style %s model of Lumen's synthetic knee exams (lumen demo-data --sets knee); "
                       "trained by scripts/train-knee-models.py (seed %d) on %d exams; held-out AUC %s." % (
                           plane, SEED, len(x_train), ", ".join("%s %.3f" % (l, a) for l, a in zip(LABELS, aucs))),
        "labels": LABELS,
        "task": "multi-label",
        "input": {"width": x_valid[0].shape[3], "height": x_valid[0].shape[2], "volume": True},
        "preprocessing": {"resize": "stretch", "scale": "unit", "mean": [mean], "std": [std]},
    }
    with open(os.path.join(out, name + ".lumen.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")


def main():
    data, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    torch.use_deterministic_algorithms(True)
    for plane in sys.argv[3:] or PLANES:
        train(os.path.join(data, "knee"), plane, out)


if __name__ == "__main__":
    main()
