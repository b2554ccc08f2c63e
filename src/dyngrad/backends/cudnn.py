"""torch.backends.cudnn: settable flags with torch's defaults; cuDNN itself is absent."""
enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    return False


def version():
    return None
