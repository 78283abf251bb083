"""Head-worn parts placed from four drawings (lpc_v3.headwear) and anchors fitted from the
LPC library (lpc_v3.build_fit); the library tests skip when $WORLDSMITH_DATA lacks it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import require_data
from worldsmith.core.errors import FormatError
from worldsmith.sprites.lpc_v3.headwear import (
    DIRECTION_LETTERS,
    Anchors,
    flatten,
    frames_of,
    load_sources,
    place,
    sheet_of,
)
from worldsmith.types.lpc_sheet import FRAMES, N_FRAMES, frame_indices

COLOURS = {"n": (200, 0, 0, 255), "s": (0, 200, 0, 255), "e": (0, 0, 200, 255), "w": (200, 200, 0, 255)}


def hat(colour, size=(3, 5)) -> np.ndarray:
    """A 128 x 128 drawing: a filled box whose top-left is the head origin (64, 64)."""
    img = np.zeros((128, 128, 4), np.uint8)
    img[64:64 + size[0], 64:64 + size[1]] = colour
    return img


def fake_anchors(seed=0) -> Anchors:
    """Anchors with a random offset per frame and body kind, each frame showing its own direction."""
    rng = np.random.default_rng(seed)
    offsets = rng.integers(8, 50, (2, N_FRAMES, 2)).astype(np.int16)
    base = Anchors.synthetic()
    return Anchors.from_arrays({**base.to_arrays(), "anchors.offsets": offsets})


def test_synthetic_hat_lands_in_every_frame_at_its_offset():
    anchors = fake_anchors()
    sources = {k: hat(c) for k, c in COLOURS.items()}
    for s, sex in enumerate(("male", "female")):
        front = place(sources, anchors, sex)["front"]
        assert front.shape == (N_FRAMES, 64, 64, 4) and front.dtype == np.uint8
        for i, f in enumerate(FRAMES):
            x, y = anchors.offsets[s, i]
            drawn = np.argwhere(front[i, ..., 3] > 0)
            assert drawn.min(0).tolist() == [y, x] and drawn.max(0).tolist() == [y + 2, x + 4], (sex, f)
            letter = {"up": "n", "left": "w", "down": "s", "right": "e"}[f.direction]
            assert tuple(front[i, y, x]) == COLOURS[letter]


def test_source_flags_frame_replacements_layers_and_cuts():
    anchors = Anchors.synthetic(x=20, y=10)
    source = anchors.source.copy()
    source[:, 0] = DIRECTION_LETTERS.index("s")          # frame 0 (spellcast up) shows the down drawing
    cuts = anchors.cuts.copy()
    cuts[0, 2, 1, 10, 20] = True                         # front plane: cut one pixel of frame 1
    cuts[0, 0, 2, 10, 20] = True                         # bg plane: cuts bg only
    anchors = Anchors(anchors.offsets, source, cuts)
    hurt3 = hat((9, 9, 9, 255))
    sources = {**{k: hat(c) for k, c in COLOURS.items()}, "s-hurt3": hurt3, "bg-e": hat((1, 2, 3, 255))}
    out = place(sources, anchors, "male")
    assert sorted(out) == ["bg", "front"]
    assert tuple(out["front"][0, 10, 20]) == COLOURS["s"]
    assert out["front"][1, 10, 20, 3] == 0 and out["front"][1, 10, 21, 3] == 255
    assert out["front"][2, 10, 20, 3] == 255 and out["bg"][2, 10, 20, 3] == 0     # frame 2 faces up: no bg-n
    hurt = frame_indices(["hurt"])
    assert tuple(out["front"][hurt[3], 10, 20]) == (9, 9, 9, 255)
    assert tuple(out["front"][hurt[2], 10, 20]) == COLOURS["s"]
    right = [i for i, f in enumerate(FRAMES) if f.direction == "right"]
    assert (out["bg"][right, 10, 20, 3] == 255).all()
    assert (flatten(out)[right, 10, 20] == out["front"][right, 10, 20]).all()      # front over bg
    assert (frames_of(sheet_of(out["front"])) == out["front"]).all()


def test_anchor_arrays_round_trip():
    a = fake_anchors(3)
    arrays = a.to_arrays()
    assert arrays["anchors.offsets"].dtype == np.int16 and arrays["anchors.offsets"].shape == (2, N_FRAMES, 2)
    b = Anchors.from_arrays(arrays)
    assert (a.offsets == b.offsets).all() and (a.source == b.source).all() and (a.cuts == b.cuts).all()
    with pytest.raises(FormatError, match="anchors.cuts"):
        Anchors.from_arrays({k: v for k, v in arrays.items() if k != "anchors.cuts"})


def test_load_sources_names_the_bad_file(tmp_path: Path):
    from PIL import Image

    for k, c in COLOURS.items():
        Image.fromarray(hat(c)).save(tmp_path / f"{k}.png")
    assert sorted(load_sources(tmp_path)) == sorted(COLOURS)
    Image.fromarray(np.zeros((64, 64, 4), np.uint8)).save(tmp_path / "bg-e.png")
    with pytest.raises(FormatError, match=r"bg-e\.png: expected an RGBA uint8 image of shape \(128, 128, 4\)"):
        load_sources(tmp_path)
    (tmp_path / "bg-e.png").unlink()
    Image.fromarray(np.zeros((128, 128, 3), np.uint8)).save(tmp_path / "s-hurt2.png")
    with pytest.raises(FormatError, match=r"s-hurt2\.png: expected an RGBA PNG"):
        load_sources(tmp_path)
    (tmp_path / "s-hurt2.png").unlink()
    (tmp_path / "s.png").unlink()
    with pytest.raises(FormatError, match="missing s.png"):
        load_sources(tmp_path)
    Image.fromarray(hat((1, 1, 1, 255))).save(tmp_path / "hat.png")
    with pytest.raises(FormatError, match="hat: expected a drawing name"):
        load_sources(tmp_path)


@pytest.fixture(scope="module")
def library() -> Path:
    return require_data("sprites", "lpc_library", "_build", "hair").parents[1]


def test_anchors_from_two_styles_place_a_held_out_style(library):
    from worldsmith.sprites.lpc_v3 import build_fit as bf

    anchors = bf.fit_anchors(library, styles=["hair/bangs", "facial/mustache"])
    assert (anchors.offsets == bf.reference_offsets(library)).all()     # the fit finds the reference points
    walk = frame_indices(["walk"])
    plain = bf.cached_style(str(library.resolve()), "hair/plain")      # held out: it did not vote
    for s, sex in enumerate(("male", "female")):
        rebuilt = flatten(place(plain.sources[s], anchors, sex))
        assert bf.union_agreement(rebuilt[walk], plain.built[s][walk]) >= 0.99
        shifted = Anchors(anchors.offsets + np.array([1, 0], np.int16), anchors.source, anchors.cuts)
        off = flatten(place(plain.sources[s], shifted, sex))
        assert bf.union_agreement(off[walk], plain.built[s][walk]) < 0.9    # placement matters


@pytest.mark.slow
def test_rebuild_tool_dry_run(library, repo, tmp_path):
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location("rebuild_lpc_build", repo / "tools" / "rebuild_lpc_build.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    out = tmp_path / "rebuild.json"
    assert tool.main(["--dry-run", "--out", str(out)]) == 0
    rows = json.loads(out.read_text())["rows"]
    assert [r["style"] for r in rows] == tool.DRY_STYLES
    assert all(r["sheets"] == 2 * tool.DRY_COLOURS and r["min"] >= 0.99 for r in rows)
