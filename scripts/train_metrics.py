"""Metrics the demo training scripts report."""
import numpy as np


def auc(scores, truth):
    """Mann-Whitney AUC with ties counting one half."""
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    s = scores[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    p = truth.sum()
    n = len(truth) - p
    return (ranks[truth == 1].sum() - p * (p + 1) / 2) / (p * n)
