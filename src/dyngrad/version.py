"""torch.version: the version, and the GPU toolkits built in (none)."""
__version__ = "0.1.0"
cuda = None
hip = None
xpu = None
debug = False
git_version = "unknown"
