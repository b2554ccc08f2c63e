"""Every bad call of the corpus answered as torch answers it: the same exception type and
message (or the same result), the same warnings, and the same state left behind.

Cases dyngrad does not match yet are listed in known_gaps.py with their class; they run as
strict xfails, so a case that starts to match fails until its line is removed.
"""
import pytest

from . import CASES
from ._differential import compare
from .known_gaps import KNOWN


def _params():
    for k, snippet in enumerate(CASES):
        marks = ()
        if snippet in KNOWN:
            marks = pytest.mark.xfail(strict=True, reason=KNOWN[snippet])
        yield pytest.param(snippet, marks=marks, id=f"{k}:{snippet[:60]}")


@pytest.mark.parametrize("snippet", _params())
def test_bad_call_like_torch(snippet):
    kind, want, got = compare(snippet)
    assert kind in ("same type and message", "same result"), (
        f"{kind}\n torch:   {want}\n dyngrad: {got}")


def test_corpus_has_no_duplicates():
    assert len(set(CASES)) == len(CASES)
