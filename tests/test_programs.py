"""Training programs in the style of pytorch/examples and the official tutorials
(examples/programs/) print what torch prints: each runs unchanged with torch, and with
torch bound to dyngrad, and the two outputs agree line by line (numbers to float32
training noise, text exactly, addresses and the library's name aside)."""
import os
import re

import pytest

from tests.test_examples import ROOT, run_all, same

HERE = os.path.join(ROOT, "examples", "programs")
TEXT = os.path.join(ROOT, "examples", "data", "tinyshakespeare_64k.txt")
PROGRAMS = [("mnist_convnet.py",), ("word_language_model.py", TEXT), ("dcgan.py",),
            ("actor_critic.py",), ("dqn.py",), ("time_sequence_prediction.py",),
            ("super_resolution.py",), ("fast_neural_style.py",), ("neural_style.py",),
            ("training_utilities.py",), ("distillation.py",), ("gcn.py",), ("seq2seq.py",),
            ("siamese_network.py",), ("spatial_transformer.py",), ("char_rnn.py", TEXT),
            ("bilstm_crf.py",), ("text_classification.py",), ("pruning_parametrize.py",),
            ("model_ensembling.py",)]
# after this line a program prints sampled text: a rounding apart in the logits may move
# one draw, so only the sample's length is compared
_SAMPLE = "sample:"


def _plain(line):
    return re.sub(r"0x[0-9a-f]+", "0xADDR", re.sub(r"\bdyngrad\b", "torch", line))


@pytest.fixture(scope="module")
def outputs():
    scripts = [[os.path.join(HERE, name), *args] for name, *args in PROGRAMS]
    return {lib: {os.path.basename(k): [_plain(line) for line in v]
                  for k, v in run_all(lib, scripts).items()}
            for lib in ("torch", "dyngrad")}


@pytest.mark.parametrize("program", [p[0] for p in PROGRAMS])
def test_program_prints_what_torch_prints(program, outputs):
    theirs, ours = outputs["torch"][program], outputs["dyngrad"][program]
    if _SAMPLE in theirs:
        cut = theirs.index(_SAMPLE) + 1
        assert ours[cut - 1] == _SAMPLE
        assert len("\n".join(ours[cut:])) == len("\n".join(theirs[cut:]))
        theirs, ours = theirs[:cut], ours[:cut]
    assert len(ours) == len(theirs) > 3
    for a, b in zip(theirs, ours):
        assert same(a, b), f"torch: {a}\ndyngrad: {b}"
