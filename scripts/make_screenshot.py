"""Make docs/trace.png, the README's picture of ``python -m dyngrad.viz``.

    python scripts/make_screenshot.py [--step 0] [--out docs/trace.png]

Runs the seed-tutorial program (docs/tutorial.py) through ``python -m dyngrad.viz``,
opens the page in headless Chromium with a step chosen (``#step=N``), and saves a
screenshot. Needs Graphviz's ``dot`` and Chromium (Debian: apt-get install graphviz
chromium).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def browser():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("make_screenshot: Chromium was not found on PATH (Debian: apt-get install chromium)")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--script", default=str(ROOT / "docs" / "tutorial.py"))
    p.add_argument("--step", type=int, default=0)
    p.add_argument("--out", default=str(ROOT / "docs" / "trace.png"))
    p.add_argument("--size", default="1280,560")
    ns = p.parse_args(argv)
    if shutil.which("dot") is None:
        sys.exit("make_screenshot: Graphviz's dot was not found on PATH "
                 "(Debian: apt-get install graphviz)")
    chrome = browser()
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "trace.html"
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        subprocess.run([sys.executable, "-m", "dyngrad.viz", ns.script, "-o", str(page),
                        "--title", "python -m dyngrad.viz docs/tutorial.py"],
                       check=True, env=env)
        subprocess.run([chrome, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--no-first-run", "--hide-scrollbars", f"--user-data-dir={tmp}/profile",
                        f"--window-size={ns.size}", f"--screenshot={ns.out}",
                        page.as_uri() + f"#step={ns.step}"],
                       check=True, capture_output=True, timeout=120)
    print(f"wrote {ns.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
