"""Pieces the demo training scripts share: the convolution block and BatchNorm recalibration."""
import torch
import torch.nn as nn


def conv_block(i, o):
    """3x3 convolution, batch normalisation, ReLU."""
    return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU())


def recalibrate_batch_norm(model, x, mean, std):
    """Sets BatchNorm's running statistics to their exact averages over the training set x.

    The weights move fast while training, so the running averages lag behind them; without
    this the evaluation-mode model scores at chance level.
    """
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None
    model.train()
    with torch.no_grad():
        for i in range(0, len(x), 256):
            model((x[i:i + 256] - mean) / std)
