"""SpriteBatch exporters: sheet + atlas layout, per-frame folder, gif, exact npz round trip."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

import worldsmith as ws
from worldsmith.core.errors import FormatError
from worldsmith.types.base import AssetMeta
from worldsmith.types.sprite import SpriteBatch


@pytest.fixture
def batch() -> SpriteBatch:
    images = np.zeros((2, 4, 4, 64, 64, 4), np.uint8)
    for c in range(2):
        for d in range(4):
            for f in range(4):
                images[c, d, f, 10:20, 10:20] = (40 * d, 60 * f, 100 * c, 255)
    return SpriteBatch(images, AssetMeta(generator="test", seed=[1, 2]))


def test_sheet_and_atlas_rects_match_frames(batch, tmp_path):
    files = batch.export(tmp_path / "heroes.png")
    assert [f.name for f in files] == ["heroes.png", "heroes.json"]
    sheet = np.asarray(Image.open(files[0]).convert("RGBA"))
    atlas = json.loads(files[1].read_text())
    assert atlas["meta"]["layers"][0]["data"] == "SpriteBatch" and atlas["meta"]["size"] == {"w": 256, "h": 512}
    assert list(atlas) == ["frames", "meta"] and atlas["meta"]["worldsmith"]["generator"] == "test"
    assert len(atlas["frames"]) == 32 and len(atlas["meta"]["frameTags"]) == 8
    rect = atlas["frames"]["001_right_3"]["frame"]
    crop = sheet[rect["y"]:rect["y"] + rect["h"], rect["x"]:rect["x"] + rect["w"]]
    assert (crop == batch.images[1, 2, 3]).all()
    tag = atlas["meta"]["frameTags"][5]
    assert tag["name"] == "001_left" and tag["to"] - tag["from"] == 3


def test_frames_folder(batch, tmp_path):
    files = batch.export(tmp_path / "heroes.frames")
    assert len(files) == 33 and files[1].parent.name == "heroes"
    frame = np.asarray(Image.open(tmp_path / "heroes" / "000_up_2.png"))
    assert (frame == batch.images[0, 3, 2]).all()


def test_gif_has_the_walk_cycle(batch, tmp_path):
    path = batch.export(tmp_path / "walk.gif")[0]
    with Image.open(path) as im:
        assert im.n_frames == 4 and im.size == (256, 128)


def test_npz_round_trip_and_corrupt_file(batch, tmp_path):
    path = batch.export(tmp_path / "heroes.npz")[0]
    assert ws.load(path) == batch
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(FormatError, match="bad.npz"):
        ws.load(bad)


def test_wrong_shape_is_a_format_error():
    with pytest.raises(FormatError, match="images"):
        SpriteBatch(np.zeros((1, 4, 4, 32, 32, 4), np.uint8))
