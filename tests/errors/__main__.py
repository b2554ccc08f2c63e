"""``python -m tests.errors``: the corpus counts, by class, and each case not identical
(``-v`` every case, ``-s`` the state that differs, ``--write-known`` the xfail list)."""
import collections
import sys

from . import AREAS, CASES
from ._differential import compare

counts = collections.Counter()
gaps = {}
for snippet in CASES:
    kind, want, got = compare(snippet)
    counts[kind] += 1
    if kind not in ("same type and message", "same result"):
        gaps[snippet] = kind
    if kind not in ("same type and message", "same result") or "-v" in sys.argv:
        print(f"[{kind}] {snippet}\n    torch:   {want['outcome']} {want['warnings']}\n"
              f"    dyngrad: {got['outcome']} {got['warnings']}")
        if want["state"] != got["state"] and "-s" in sys.argv:
            for k in want["state"]:
                if want["state"][k] != got["state"].get(k):
                    print(f"    state {k}: torch {want['state'][k]}\n      dyngrad {got['state'].get(k)}")
total = sum(counts.values())
for kind, k in counts.most_common():
    print(f"{kind:32} {k:4}  {100 * k / total:.1f}%")
print(f"{'total':32} {total:4}")
for area, module in AREAS.items():
    same = sum(s not in gaps for s in module.CASES)
    print(f"  {area:12} {same:4} of {len(module.CASES):4} identical")

if "--write-known" in sys.argv:  # the cases not matched yet, for test_bad_input's xfails
    from pathlib import Path
    lines = "".join(f"    {s!r}: {k!r},\n" for s, k in gaps.items())
    Path(__file__).with_name("known_gaps.py").write_text(
        '"""Corpus cases dyngrad does not answer as torch yet, with their class (written by\n'
        '``python -m tests.errors --write-known``)."""\n\nKNOWN = {\n' + lines + "}\n")
