"""histogram and histogramdd under vmap, as torch's vmap takes them: histogram once per
sample, with torch's performance warning naming its overload (each sample has edges of its
own), and histogramdd refused, in torch's words."""
from .. import histogram
from .._batched import loop_rule
from . import register


def _histogram(op, args, level, size):
    overload = "bins_tensor" if hasattr(args[1], "_data") else "bin_ct"
    return loop_rule(op, args, level, size, f"aten::histogram.{overload}")


def _refused(overload):
    def rule(op, args, level, size):  # (histogramdd refuses first, naming its overload)
        histogram.refused_under_vmap(overload)
    return rule


register(_histogram, [histogram.histogram_op])
register(_refused(""), [histogram.bin_edges_op, histogram.from_bin_cts_op])
register(_refused(".TensorList_bins"), [histogram.from_bin_tensors_op])
