"""The examples in dyngrad's public docstrings run as doctests against torch and dyngrad
alike: the printed output written in the docstring is what both libraries print."""
import doctest
import importlib

import pytest
import torch

import dyngrad

MODULES = ["dyngrad", "dyngrad.tensor", "dyngrad.creation", "dyngrad.autograd",
           "dyngrad.autograd.grad_mode", "dyngrad.autograd.function",
           "dyngrad.autograd.functional", "dyngrad.autograd.gradcheck",
           "dyngrad.autograd.anomaly_mode", "dyngrad.autograd.forward_ad", "dyngrad.func._forward",
           "dyngrad.utils.checkpoint", "dyngrad.nn", "dyngrad.nn.parameter", "dyngrad.nn.init",
           "dyngrad.nn.modules.module", "dyngrad.nn.modules.container",
           "dyngrad.nn.modules.linear", "dyngrad.nn.modules.activation",
           "dyngrad.nn.modules.loss", "dyngrad.nn.modules.conv", "dyngrad.nn.modules.pooling",
           "dyngrad.nn.modules.batchnorm", "dyngrad.nn.modules.normalization",
           "dyngrad.nn.modules.sparse", "dyngrad.nn.modules.padding",
           "dyngrad.nn.modules.rnn", "dyngrad.nn.modules.transformer",
           "dyngrad.nn.modules.upsampling", "dyngrad.optim", "dyngrad.optim.lr_scheduler",
           "dyngrad.utils.data.dataset", "dyngrad.utils.data.dataloader",
           "dyngrad.serialization", "dyngrad.nn.utils.rnn", "dyngrad.nn.modules.pixelshuffle",
           "dyngrad.nn.attention", "dyngrad.autograd.profiler", "dyngrad.profiler",
           "dyngrad.testing", "dyngrad.func._vmap", "dyngrad.func._grad",
           "dyngrad.func._functional_call", "dyngrad.nn.modules.lazy", "dyngrad.nn.modules.distance",
           "dyngrad.nn.modules.adaptive", "dyngrad.overrides", "dyngrad.distributions.transform",
           "dyngrad.distributions.transformed_distribution",
           "dyngrad.distributions.constraint_registry", "dyngrad.ops.binomial",
           "dyngrad.amp.autocast_mode", "dyngrad.ops.autocast_policy", "dyngrad.ops.torch_native",
           "dyngrad.nn._functional.rnn",
           "dyngrad.ops.histogram", "dyngrad.ops.stft", "dyngrad.ops.renorm",
           "dyngrad.ops.finite_differences", "dyngrad.sparse", "dyngrad.ops.sparse"]


def _examples():
    finder = doctest.DocTestFinder(exclude_empty=True)
    for name in MODULES:
        module = importlib.import_module(name)
        for test in finder.find(module, name):
            if test.examples:
                yield test


TESTS = list(_examples())


@pytest.mark.parametrize("lib", [dyngrad, torch], ids=["dyngrad", "torch"])
@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_docstring_example(test, lib):
    test.globs = {"torch": lib}
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=lambda s: None)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{test.name} fails under {lib.__name__}"


def test_there_are_examples():
    assert len(TESTS) >= 5
