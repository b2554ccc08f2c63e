"""torch.hub: checkpoints fetched once into a cache shared with torch ($TORCH_HOME/hub),
and models from a local directory's hubconf.py.

Fetching models from GitHub (``source='github'``) is not built: a repository is code to
download and run, which dyngrad leaves to the user (clone it, then ``source='local'``)."""
import os
import re
import sys
import warnings

from .serialization import load as _load

HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
_hub_dir = None


def _get_torch_home():
    return os.path.expanduser(os.getenv(
        "TORCH_HOME", os.path.join(os.getenv("XDG_CACHE_HOME", "~/.cache"), "torch")))


def get_dir():
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead",
                      stacklevel=2)
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d):
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


def _progress(total, disable):
    try:
        from tqdm import tqdm  # optional, as in torch
    except ImportError:
        return None
    return tqdm(total=total, disable=disable, unit="B", unit_scale=True, unit_divisor=1024)


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Download ``url`` to ``dst`` through a temporary file beside it, checking the
    SHA-256 digest's prefix when given."""
    # (imported here: these and http's modules would add a few percent to import time)
    import hashlib
    import shutil
    import tempfile
    from urllib.request import Request, urlopen
    response = urlopen(Request(url, headers={"User-Agent": "torch.hub"}))
    length = response.headers.get("Content-Length") if hasattr(response, "headers") else None
    dst = os.path.expanduser(dst)
    tmp = tempfile.NamedTemporaryFile(delete=False, dir=os.path.dirname(dst) or ".",
                                      prefix=os.path.basename(dst) + ".", suffix=".partial")
    sha = hashlib.sha256()
    bar = _progress(int(length) if length else None, not progress)
    try:
        while True:
            chunk = response.read(1 << 16)
            if not chunk:
                break
            tmp.write(chunk)
            sha.update(chunk)
            if bar is not None:
                bar.update(len(chunk))
        tmp.close()
        if hash_prefix is not None:
            digest = sha.hexdigest()
            if digest[:len(hash_prefix)] != hash_prefix:
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got '
                                   f'"{digest}")')
        shutil.move(tmp.name, dst)
    finally:
        tmp.close()
        if bar is not None:
            bar.close()
        if os.path.exists(tmp.name):
            os.remove(tmp.name)


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True,
                             check_hash=False, file_name=None, weights_only=False):
    """The checkpoint at ``url``, downloaded into ``model_dir`` (default
    ``<hub dir>/checkpoints``) unless already there."""
    from urllib.parse import urlparse
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name or os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
        hash_prefix = None
        if check_hash:
            match = HASH_REGEX.search(filename)
            hash_prefix = match.group(1) if match else None
        download_url_to_file(url, cached_file, hash_prefix, progress=progress)
    return _load(cached_file, map_location=map_location, weights_only=weights_only)


def _hubconf(repo_or_dir, source):
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "github":
        _github()
    import importlib.util
    path = os.path.join(repo_or_dir, "hubconf.py")
    spec = importlib.util.spec_from_file_location("hubconf", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, repo_or_dir)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(repo_or_dir)
    return module


def _entry(module, model):
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    fn = getattr(module, model, None)
    if fn is None or not callable(fn):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return fn


def _github(*args, **kwargs):
    raise NotImplementedError("dyngrad's torch.hub loads from a local directory only: clone "
                              "the repository and call torch.hub.load(path, model, "
                              "source='local')")


list = help = _github  # (torch's list and help read GitHub repositories only)


def load(repo_or_dir, model, *args, source="github", trust_repo="check", force_reload=False,
         verbose=True, skip_validation=False, **kwargs):
    return _entry(_hubconf(repo_or_dir, source), model)(*args, **kwargs)
