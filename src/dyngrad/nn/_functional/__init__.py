"""The pieces of ``dyngrad.nn.functional``, one file per family (functional.py gathers them)."""
