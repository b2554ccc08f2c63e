"""Helpers of the DataLoader: collation."""
from . import collate  # noqa: F401
