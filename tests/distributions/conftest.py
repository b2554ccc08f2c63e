import pytest
import torch

import dyngrad


@pytest.fixture(autouse=True)
def validating():
    # validation on in both libraries (torch's default under ``__debug__``, which other
    # tests' imports may have turned off), as it was afterwards
    before = [lib.distributions.Distribution._validate_args for lib in (torch, dyngrad)]
    for lib in (torch, dyngrad):
        lib.distributions.Distribution.set_default_validate_args(True)
    yield
    for lib, value in zip((torch, dyngrad), before):
        lib.distributions.Distribution.set_default_validate_args(value)
