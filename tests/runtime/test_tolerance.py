"""tools/output_tolerance.py: noise through the runner hook changes assets only when it is large."""
from __future__ import annotations

import importlib.util


def test_output_noise_changes_assets_only_when_large(repo):
    spec = importlib.util.spec_from_file_location("output_tolerance", repo / "tools" / "output_tolerance.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    seeds = list(range(6))
    assert tool.changed("levels/zelda-v1", seeds, 0.0) == 0
    assert tool.changed("levels/zelda-v1", seeds, 1e-7) == 0
    assert tool.changed("levels/zelda-v1", seeds, 10.0) == len(seeds)
