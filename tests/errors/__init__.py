"""A differential corpus of bad calls: torch and dyngrad must answer each one alike."""
from . import (corpus_autograd, corpus_creation, corpus_degenerate, corpus_indexing,
               corpus_inplace, corpus_nn, corpus_ops, corpus_scalars, corpus_shapes,
               corpus_windows)

AREAS = {"creation": corpus_creation, "ops": corpus_ops, "shapes": corpus_shapes,
         "indexing": corpus_indexing, "inplace": corpus_inplace, "autograd": corpus_autograd,
         "nn": corpus_nn, "degenerate": corpus_degenerate,
         "scalars": corpus_scalars, "windows": corpus_windows}
CASES = [c for mod in AREAS.values() for c in mod.CASES]
