"""The quickstart tour runs and exports one asset per installed family."""
from __future__ import annotations

import quickstart

import worldsmith as ws


def test_quickstart_exports_every_installed_family(tmp_path, capsys):
    assert quickstart.main(["--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for id, _config, _seed, _n, name in quickstart.TOUR:
        if id in ws.list_generators():
            assert (tmp_path / name).stat().st_size > 0, id
            assert f"- {id} seed=" in out
    assert "background quests:" in out
