"""Grid repairs."""
from __future__ import annotations

import numpy as np
import pytest

from worldsmith.levels.placement import smb_enemies
from worldsmith.levels.repair import (
    DOORS,
    SAFE,
    SmbRepairer,
    loderunner_start,
    runs,
    smb_repair,
    smb_structures,
    zelda_connect,
    zelda_sides,
    zelda_walls,
)
from worldsmith.types.tiles import LODERUNNER, SMB, ZELDA, parse_text, to_text


def _pipes_ok(tiles: np.ndarray) -> bool:
    """Every '<' has '>' to its right; tops and bodies stand on a body or another solid tile."""
    text = to_text(tiles, SMB).splitlines()
    for r, row in enumerate(text):
        for c, ch in enumerate(row):
            if ch == "<" and row[c + 1:c + 2] != ">":
                return False
            if ch in "<[" and r + 1 < len(text) and text[r + 1][c] not in "[XS?QBb<>":
                return False
    return True


def test_smb_structures_fix_broken_pipes_and_cannons():
    t = parse_text("\n".join(["-----B------",
                              "--<------>--",
                              "------------",
                              "---]--------",
                              "XXXXXX-XXXXX"]), SMB)
    out = smb_structures(t)
    assert _pipes_ok(out)
    assert to_text(out, SMB).splitlines()[1][5] == "b"  # cannon body under its top
    assert (out == SMB.id("<")).sum() == (out == SMB.id(">")).sum() == 2


def test_smb_repair_safe_ends():
    rng = np.random.default_rng(0)
    t = rng.integers(0, SMB.size, (14, 40)).astype(np.uint8)
    out = smb_repair(t)
    for cols in (slice(0, SAFE), slice(40 - SAFE, 40)):
        assert (out[-1, cols] == SMB.id("X")).all()
        assert (out[:-3, cols] == SMB.id("-")).all()
    assert _pipes_ok(out)


def test_loderunner_start():
    rng = np.random.default_rng(1)
    t = parse_text("M..M.\nBBBBB", LODERUNNER)
    out = loderunner_start(t, rng)
    assert (out == LODERUNNER.id("M")).sum() == 1
    none = loderunner_start(parse_text(".....\nBBBBB", LODERUNNER), rng)
    assert (none == LODERUNNER.id("M")).sum() == 1


def test_zelda_walls_doors_and_connect():
    t = np.full((16, 11), ZELDA.id("F"), np.uint8)
    t[5, 5] = ZELDA.id("W")
    out = zelda_walls(t, "NE")
    ring = np.ones(out.shape, bool)
    ring[2:-2, 2:-2] = False
    assert set(np.unique(out[ring])) == {ZELDA.id("W"), ZELDA.id("D")}
    assert zelda_sides(out) == "NE"
    assert all(out[rc] == ZELDA.id("D") for rc in DOORS["N"] + DOORS["E"])
    assert out[5, 5] == ZELDA.id("F")
    walled = out.copy()
    walled[8, 2:9] = ZELDA.id("B")
    fixed = zelda_connect(walled, {(r, c) for r in range(2, 8) for c in range(2, 9)})
    assert (fixed[8, 2:9] == ZELDA.id("F")).sum() == 1


def _scattered(rng: np.random.Generator, width: int = 60) -> np.ndarray:
    """Ground with pits, and pipe, cannon, enemy and brick tiles scattered as a decoder draws them
    (halves of pipes, floating tops, neighbouring structures)."""
    tiles = np.full((14, width), SMB.id("-"), np.uint8)
    tiles[12:] = SMB.id("X")
    tiles[12:, rng.integers(0, width, 6)] = SMB.id("-")
    cells = rng.random((12, width)) < 0.06
    tiles[:12][cells] = rng.choice(SMB.ids("<>[]BbES"), int(cells.sum()))
    return tiles


def test_smb_repairer_across_changes_matches_a_whole_repair():
    """A level repaired again only where a change reaches equals the whole level repaired (300
    levels with dense pipes and cannons, four changes each, at the ends too)."""
    for seed in range(300):
        rng = np.random.default_rng(seed)
        tiles, repair = _scattered(rng), SmbRepairer()
        repair(tiles)
        for _ in range(4):
            a, b = sorted(rng.integers(0, 61, 2).tolist())
            tiles = tiles.copy()
            tiles[:, a:b + 1] = _scattered(rng)[:, a:b + 1]
            assert (repair(tiles) == smb_repair(tiles)).all(), seed


def _numpy_structures(tiles: np.ndarray) -> np.ndarray:
    """The numpy code ``_smbkernels.stand`` replaced: the test's oracle."""
    is_pipe, is_cannon = (np.isin(np.arange(SMB.size), SMB.ids(k)) for k in ("<>[]", "Bb"))
    solid, out = SMB.solid_mask(), tiles.copy()
    for member, width, top_ids, body_ids in ((is_pipe, 2, SMB.ids("<>"), SMB.ids("[]")),
                                             (is_cannon, 1, SMB.ids("B"), SMB.ids("b"))):
        mask = member[out]
        out[mask] = SMB.id("-")
        for start, stop in runs(mask.any(axis=0)):
            for c in range(start, stop, width):
                c = min(c, out.shape[1] - width)
                cols = slice(c, c + width)
                if width == 1 and is_pipe[out[:, cols]].any():
                    continue
                top = int(mask[:, cols].any(axis=1).argmax())
                out[top, cols] = top_ids
                floor = solid[out[top + 1:, cols]].all(axis=1)
                stop_row = top + 1 + (int(floor.argmax()) if floor.any() else len(floor))
                out[top + 1:stop_row, cols] = body_ids
    return out


def test_smb_structures_c_kernel_matches_the_numpy_code_it_replaced():
    """Dense scattered pipes, cannons and bricks, pipe halves in the last column, levels 2 wide:
    the same tiles as the numpy implementation, and the input left as it was."""
    for seed in range(400):
        rng = np.random.default_rng(seed)
        tiles = _scattered(rng, int(rng.integers(2, 70)))
        if seed % 3 == 0:
            tiles[rng.integers(0, 12), -1] = SMB.id("[")
        before = tiles.copy()
        assert (smb_structures(tiles) == _numpy_structures(tiles)).all(), seed
        assert (tiles == before).all()


def test_smb_structures_rejects_tile_ids_outside_the_tile_set():
    with pytest.raises(ValueError, match="tile ids below 13"):
        smb_structures(np.full((14, 20), 40, np.uint8))


def _numpy_enemies(tiles: np.ndarray, hover: int = 3) -> np.ndarray:
    """The numpy code ``_smbkernels.enemies`` replaced: the test's oracle."""
    out, solid, empty, enemy = tiles.copy(), SMB.solid_mask(), SMB.id("-"), SMB.id("E")
    for r, c in np.argwhere(out == enemy).tolist():
        below = np.flatnonzero(solid[out[r + 1:, c]])
        if len(below) and below[0] <= hover:
            continue
        out[r, c] = empty
        land = r + int(below[0]) if len(below) else out.shape[0]
        if len(below) and out[land, c] == empty:
            out[land, c] = enemy
    return out


def test_smb_enemies_c_kernel_matches_the_numpy_code_it_replaced():
    """Columns stacked with enemies (several over one floor, some on cells that are not sky), pits
    and every hover from 0 to 13: the same tiles, the input left as it was."""
    for seed in range(300):
        rng = np.random.default_rng(seed)
        tiles = _scattered(rng, int(rng.integers(1, 50)))
        tiles[rng.random(tiles.shape) < 0.15] = SMB.id("E")
        before, hover = tiles.copy(), seed % 14
        assert (smb_enemies(tiles, hover) == _numpy_enemies(tiles, hover)).all(), seed
        assert (tiles == before).all()


def test_the_c_kernels_refuse_bad_tiles_with_clear_errors():
    """A 1-d array or ids outside the tile set: a ValueError naming the kernel, not a crash."""
    from worldsmith.levels import _smbkernels

    solid = SMB.solid_bytes()
    calls = {"climbs": lambda t: _smbkernels.climbs(t, solid, 5, 4, 3),
             "walls": lambda t: _smbkernels.walls(t, solid, 4, 3),
             "enemies": lambda t: _smbkernels.enemies(t, solid, SMB.id("-"), SMB.id("E"), 3)}
    for name, call in calls.items():
        with pytest.raises(ValueError, match=f"{name}: expected uint8 tiles"):
            call(np.zeros(5, np.uint8))
        with pytest.raises(ValueError, match=f"{name}: expected tile ids below 13, got 40"):
            call(np.full((14, 5), 40, np.uint8))
    with pytest.raises(ValueError, match="footholds: expected a bool solid mask"):
        _smbkernels.footholds(np.zeros((3, 4), bool), np.zeros((3, 5), bool), 7)
