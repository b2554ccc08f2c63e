"""torch.hub against torch: checkpoints fetched into a cache once (file:// URLs stand in
for the network), the hash check, file names, and models from a local hubconf.py."""
import hashlib
import shutil

import pytest
import torch

import dyngrad

HUBCONF = '''
dependencies = []
from helper import scale  # noqa: E402  (names a hubconf imports are entries too)


def tiny(width=3, factor=1.0):
    """A tiny model."""
    import torch
    return torch.nn.Linear(width, 1), factor * scale()


def _private():
    pass
'''


@pytest.fixture
def files(tmp_path):
    torch.save({"w": torch.arange(3.0)}, tmp_path / "wts.pt")
    digest = hashlib.sha256((tmp_path / "wts.pt").read_bytes()).hexdigest()
    shutil.copy(tmp_path / "wts.pt", tmp_path / f"wts-{digest[:8]}.pt")
    shutil.copy(tmp_path / "wts.pt", tmp_path / "wts-deadbeef.pt")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "hubconf.py").write_text(HUBCONF)
    (repo / "helper.py").write_text("def scale():\n    return 2.0\n")
    return tmp_path, digest[:8]


def _run(lib, tmp_path, digest, capfd):
    cache = tmp_path / f"cache_{lib.__name__}"
    out = []
    for name, kw in [(f"wts-{digest}.pt", dict(check_hash=True)),
                     (f"wts-{digest}.pt", dict(check_hash=True)),  # cached: no download
                     ("wts-deadbeef.pt", dict(check_hash=True)),
                     ("wts.pt", dict(file_name="other.pt"))]:
        try:
            got = lib.hub.load_state_dict_from_url(f"file://{tmp_path / name}",
                                                   model_dir=str(cache), progress=False, **kw)
            out.append(got["w"].tolist())
        except RuntimeError as e:
            out.append(str(e))
    err = capfd.readouterr().out.replace(str(cache), "CACHE")
    model, factor = lib.hub.load(str(tmp_path / "repo"), "tiny", 4, source="local",
                                 factor=3.0)
    out += [err, sorted(p.name for p in cache.iterdir()), type(model).__name__,
            tuple(model.weight.shape), factor]
    for model, kw in [("nope", {}), (3, {}), ("tiny", {"source": "web"})]:
        try:
            lib.hub.load(str(tmp_path / "repo"), model, **({"source": "local"} | kw))
        except (RuntimeError, ValueError) as e:
            out.append((type(e).__name__, str(e)))
    return out


def test_same_as_torch(files, capfd):
    tmp_path, digest = files
    assert _run(dyngrad, tmp_path, digest, capfd) == _run(torch, tmp_path, digest, capfd)


def test_hub_dir(monkeypatch, tmp_path):
    for lib in (dyngrad, torch):
        monkeypatch.setattr(lib.hub, "_hub_dir", None)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    assert dyngrad.hub.get_dir() == torch.hub.get_dir() == str(tmp_path / "hub")
    dyngrad.hub.set_dir("~/elsewhere")
    torch.hub.set_dir("~/elsewhere")
    assert dyngrad.hub.get_dir() == torch.hub.get_dir()
    assert dyngrad.hub.HASH_REGEX.search("resnet18-f37072fd.pth").group(1) == "f37072fd"
