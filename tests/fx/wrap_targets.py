"""Module-level functions that torch.fx.wrap and dyngrad.fx.wrap both register: traced
calls of them become call_function nodes."""
import torch

import dyngrad


def scaled_sum(a, k):
    return a * k + k


torch.fx.wrap("scaled_sum")
dyngrad.fx.wrap("scaled_sum")
torch.fx.wrap("len")
dyngrad.fx.wrap("len")


def uses_wrapped(x):
    return scaled_sum(x, 2) * len(x)
