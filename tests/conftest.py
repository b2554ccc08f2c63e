"""Shared test set-up: the Hypothesis profiles (CI bounds the number of examples)."""
import os

from hypothesis import settings

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True,
                          database=None)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
