"""The levels archive (CMA-ME over the VAE's latents, pyribs): elites, files, determinism, CLI."""
from __future__ import annotations

import json

import numpy as np
import pytest

import worldsmith as ws
from worldsmith.levels import archive
from worldsmith.levels.search import features

pytest.importorskip("ribs")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The same small SMB archive written twice, and one from another seed."""
    out = tmp_path_factory.mktemp("arch")
    for name, seed in (("a", 0), ("b", 0), ("c", 1)):
        index = archive.build("levels/smb-v1", ("enemies", "sky"), (6, 5), seed=seed, evals=48, width=28)
        archive.write(index, out / name)
    return out


def test_elites_are_playable_levels_whose_measures_match_their_cells(built):
    index = json.loads((built / "a" / "index.json").read_text())
    assert index["measures"] == ["enemies", "sky"] and index["cells"] == [6, 5] and index["evals"] >= 48
    assert len(index["elites"]) > 1 and index["coverage"] == len(index["elites"]) / 30
    assert index["qd_score"] == pytest.approx(sum(e["objective"] for e in index["elites"]), abs=1e-5)
    for e in index["elites"]:
        level = ws.load(built / "a" / e["file"])
        feats = features(level.tiles, "smb", level.path)
        assert e["measures"] == [feats["enemies"], feats["sky"]] and level.shape == (14, 28)
        for m, (lo, hi), n, c in zip(e["measures"], index["ranges"], index["cells"], e["cell"]):
            assert c == min(n - 1, int((m - lo) / (hi - lo) * n))
        assert level.path and level.path[-1][1] == 27 and 1 < e["objective"] <= 2
    assert len({tuple(e["cell"]) for e in index["elites"]}) == len(index["elites"])


def test_same_seed_same_bytes_other_seed_other_archive(built):
    names = sorted(p.name for p in (built / "a").iterdir())
    assert {"index.json", "heatmap.png"} <= set(names)
    assert names == sorted(p.name for p in (built / "b").iterdir())
    assert all((built / "a" / n).read_bytes() == (built / "b" / n).read_bytes() for n in names)
    assert (built / "a" / "index.json").read_bytes() != (built / "c" / "index.json").read_bytes()


def test_heatmap_shows_the_filled_cells(built):
    from PIL import Image

    index = json.loads((built / "a" / "index.json").read_text())
    img = np.asarray(Image.open(built / "a" / "heatmap.png").convert("RGB"))
    assert img.shape == (5 * 16, 6 * 16, 3)
    lit = img[::16, ::16].sum(-1) > 3 * 24
    assert lit.sum() == len(index["elites"])
    for e in index["elites"]:
        assert lit[4 - e["cell"][1], e["cell"][0]]


@pytest.mark.parametrize("args, named", [
    (["--measures", "enemies,dragons"], "dragons"), (["--measures", "enemies"], "measures"),
    (["--cells", "20y20"], "20y20"), (["--evals", "0"], "--evals"), (["--set", "width=3"], "width"),
])
def test_cli_bad_input_exits_2_with_one_line(capsys, tmp_path, args, named):
    from worldsmith.cli import main

    assert main(["archive", "levels/smb-v1", "--out", str(tmp_path / "arch"), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and named in err
    assert not (tmp_path / "arch").exists()


def test_cli_writes_the_archive(capsys, tmp_path):
    from worldsmith.cli import main

    assert main(["archive", "levels/zelda-v1", "--measures", "monsters,blocks", "--cells", "4x4", "--evals", "16",
                 "--seed", "2", "--out", str(tmp_path / "z"), "--quiet"]) == 0
    summary = json.loads(capsys.readouterr().out)
    index = json.loads((tmp_path / "z" / "index.json").read_text())
    assert summary["coverage"] == index["coverage"] > 0 and summary["measures"] == ["monsters", "blocks"]
    assert all((tmp_path / "z" / e["file"]).is_file() for e in index["elites"])
