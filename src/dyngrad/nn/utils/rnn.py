"""torch.nn.utils.rnn: pad_sequence (packed sequences are not there yet)."""
from ...ops.joining import cat, stack

__all__ = ["pad_sequence"]


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack tensors of different lengths (along dim 0), padding them to the longest."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got "
                         f"{padding_side}.")
    longest = max(s.size(0) for s in sequences)
    padded = []
    for s in sequences:
        fill = s.new_full((longest - s.size(0),) + tuple(s.shape[1:]), padding_value)
        padded.append(cat([fill, s] if padding_side == "left" else [s, fill], 0))
    out = stack(padded, 0)
    return out if batch_first else out.transpose(0, 1)
