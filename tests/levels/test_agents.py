"""Playability agents on hand-made levels and on the real corpus."""
from __future__ import annotations

import pytest

from worldsmith.levels import physics
from worldsmith.levels.agents import loderunner_path, smb_path, smb_search, solve, zelda_path
from worldsmith.levels.data import load_levels
from worldsmith.types.level import TileLevel
from worldsmith.types.tiles import LODERUNNER, SMB, ZELDA, parse_text


def smb(rows: list[str]):
    return parse_text("\n".join(rows), SMB)


def _gap(width: int) -> list[str]:
    return ["-" * 20] * 6 + ["X" * 6 + "-" * width + "X" * (14 - width)]


@pytest.mark.parametrize("gap, ok", [(3, True), (7, True), (8, False)])
def test_smb_gap_widths(gap, ok):
    path = smb_path(smb(_gap(gap)))
    assert (path is not None) == ok
    if ok:
        assert path[0][1] == 0 and path[-1][1] == 19
        assert all(abs(a[0] - b[0]) <= 1 and abs(a[1] - b[1]) <= 1 for a, b in zip(path, path[1:]))


@pytest.mark.parametrize("height, ok", [(4, True), (5, False)])
def test_smb_wall_heights(height, ok):
    rows = ["-" * 10] * (8 - height) + ["-----X----"] * height + ["XXXXXXXXXX"]
    assert (smb_path(smb(rows)) is not None) == ok


def _ledge(height: int, travel: int, free_rows: int | None = None):
    """Take off from column 3; land ``travel`` columns on, ``height`` rows up (down if negative),
    over a pit; optionally under a ceiling ``free_rows`` above Mario's head at take-off."""
    rows, w = 22, 3 + travel + 3
    take_off = 15 if height >= 0 else 15 + height
    land = take_off - height
    grid = [["-"] * w for _ in range(rows)]
    for r in range(take_off + 1, rows):
        for c in range(4):
            grid[r][c] = "X"
    for r in range(land + 1, rows):
        for c in range(3 + travel, w):
            grid[r][c] = "X"
    if free_rows is not None:
        grid[take_off - free_rows - 1] = ["X"] * w
    return smb(["".join(row) for row in grid])


@pytest.mark.parametrize("height, travel", list(physics.envelope().items()))
def test_smb_agent_reproduces_the_jump_envelope(height, travel):
    """The agent reaches exactly physics' envelope: columns from take-off to landing column, by
    landing height (the table in levels/physics.py)."""
    assert physics.envelope() == {4: 6, 3: 7, 2: 7, 1: 8, 0: 8, -1: 9, -2: 10, -3: 10, -4: 11, -6: 12, -8: 13}
    assert smb_path(_ledge(height, travel)) is not None
    assert smb_path(_ledge(height, travel + 1)) is None


@pytest.mark.parametrize("free_rows, gap", [(0, 1), (1, 2), (2, 3), (3, 5), (4, 7), (6, 7)])
def test_smb_ceiling_shortens_the_widest_gap(free_rows, gap):
    assert physics.ceiling_gaps()[free_rows] == gap
    assert smb_path(_ledge(0, gap + 1, free_rows)) is not None
    assert smb_path(_ledge(0, gap + 2, free_rows)) is None


def test_smb_steps_up_to_four_tiles():
    for step, ok in ((4, True), (5, False)):
        rows = ["-" * 12] * (10 - step) + ["------XXXXXX"] * step + ["XXXXXXXXXXXX"]
        assert (smb_path(smb(rows)) is not None) == ok


def test_smb_head_bump_blocks_a_high_wall():
    rows = ["-" * 10] * 5 + ["-----X----"] * 3 + ["XXXXXXXXXX"]
    assert smb_path(smb(rows)) is not None
    rows[4] = "SSSSS-----"  # a ceiling two tiles over the run-up: the rise stops there
    assert smb_path(smb(rows)) is None


def test_smb_start_needs_ground():
    rows = ["-" * 6] * 3 + ["--XXXX"]
    path, far = smb_search(smb(rows))
    assert path is None and far == 0


def test_loderunner_ladders_ropes_and_digging():
    rows = ["." * 8,
            "..G.....",
            "bbbbb#bb",
            ".....#..",
            "M..--#..",
            "BBBBBBBB"]
    assert loderunner_path(parse_text("\n".join(rows), LODERUNNER)) is not None
    walled = ["..G.....", "BBBBBBBB", "M.......", "BBBBBBBB"]
    assert loderunner_path(parse_text("\n".join(walled), LODERUNNER)) is None
    dig = ["M.......", "bbbbbbbb", "....G...", "BBBBBBBB"]
    path = loderunner_path(parse_text("\n".join(dig), LODERUNNER))
    assert path is not None and path[-1] == (2, 4)


def test_loderunner_needs_one_start_and_gold():
    assert loderunner_path(parse_text("M.M.G\nBBBBB", LODERUNNER)) is None
    assert loderunner_path(parse_text("M....\nBBBBB", LODERUNNER)) is None


def _room(inner: list[str]) -> str:
    return "\n".join(["WWWWWWWWWWW", "WWWWDDDWWWW", *("WW" + r + "WW" for r in inner),
                      "WWWWDDDWWWW", "WWWWWWWWWWW"])


def test_loderunner_digs_two_layers_through_a_two_wide_hole():
    rows = ["M.....",
            "BbbBBB",
            "BBbBBB",
            "..G...",
            "BBBBBB"]
    path = loderunner_path(parse_text("\n".join(rows), LODERUNNER))
    assert path is not None and (2, 2) in path and path[-1] == (3, 2)
    rows[0] = "M.B..."  # the second brick cannot be dug: nothing above it is open
    assert loderunner_path(parse_text("\n".join(rows), LODERUNNER)) is None


def test_loderunner_tour_leaves_the_one_way_drop_for_last():
    rows = ["G...M.....",
            "BBBBB.BBBB",
            ".....G....",
            "BBBBBBBBBB"]
    path = loderunner_path(parse_text("\n".join(rows), LODERUNNER))
    assert path is not None and path.index((0, 0)) < path.index((2, 5))


def test_zelda_doors_and_floor_connected():
    open_room = _room(["FFFFFFF"] * 12)
    path = zelda_path(parse_text(open_room, ZELDA))
    assert path is not None and path[-1][0] == 14
    split = _room(["FFFFFFF"] * 5 + ["BBBBBBB"] + ["FFFFFFF"] * 6)
    assert zelda_path(parse_text(split, ZELDA)) is None
    pocket = _room(["FFFFFFF"] * 5 + ["FBBBFFF", "FBFBFFF", "FBBBFFF"] + ["FFFFFFF"] * 4)
    assert zelda_path(parse_text(pocket, ZELDA)) is None


def test_zelda_stepladder_crosses_one_tile_of_water_only():
    moat = parse_text(_room(["FFFFFFF"] * 5 + ["PPPPPPP"] + ["FFFFFFF"] * 6), ZELDA)
    path = zelda_path(moat)
    assert path is not None and zelda_path(moat, ladder=False) is None
    assert all(abs(a - c) + abs(b - d) == 1 for (a, b), (c, d) in zip(path, path[1:]))  # 4-connected
    assert any(moat[cell] == ZELDA.id("P") for cell in path)  # it walks over the water tile
    wide = parse_text(_room(["FFFFFFF"] * 5 + ["PPPPPPP"] * 2 + ["FFFFFFF"] * 5), ZELDA)
    assert zelda_path(wide) is None


def test_solve_dispatches_on_game():
    lv = TileLevel(tiles=smb(_gap(2)), game="smb")
    assert solve(lv)[-1][1] == 19


def test_real_smb_levels_are_playable(vglc):
    levels = load_levels("smb")
    assert len(levels) == 13                     # every VGLC SMB level, under the physics agent
    for name, tiles in levels.items():
        assert smb_path(tiles) is not None, name


def _steered(row: list[bool], c: int, steer: int) -> list[int]:
    """Columns reachable along one row from ``c`` with up to ``steer`` moves through clear cells,
    in the search's order: ``c``, then leftwards, then rightwards."""
    out = [c]
    for dc in (-1, 1):
        c2 = c + dc
        while abs(c2 - c) <= steer and 0 <= c2 < len(row) and row[c2]:
            out.append(c2)
            c2 += dc
    return out


def test_smb_move_tables_match_the_physics_functions():
    """The search looks moves up by cell code; on random grids (top, bottom and edge cells
    included) every move equals what :func:`entered` and :func:`stage_step` give directly."""
    import numpy as np

    from worldsmith.levels.agents.smb import SmbSearch, entered, stage_step

    rng = np.random.default_rng(0)
    for _ in range(20):
        tiles = rng.choice(SMB.ids("--X"), size=(6, 9)).astype(np.uint8)
        search = SmbSearch(tiles)
        clear, m = (~SMB.solid_mask()[tiles]).tolist(), search.m
        for r in range(6):
            for c in range(9):
                for phase in range(len(m.row)):
                    if phase == 0:
                        near = [c2 for c2 in (c - 1, c + 1) if 0 <= c2 < 9 and clear[r][c2]]
                        want = [(r, c2, 0) for c2 in near if r + 1 < 6 and not clear[r + 1][c2]]
                        want.append((r, c, entered(clear, r, c, m.jump, m)[0]))
                        want += [(r, c, m.drop)] * (len(want) - 1 < len(near))
                    else:
                        steps = (stage_step(clear, r, c2, phase, m)[:3]
                                 for c2 in _steered(clear[r], c, m.steer[phase]))
                        want = [s for s in steps if s[0] < 6]
                    assert search._moves(r, c, phase) == want, (r, c, phase)


def test_two_way_tour_is_the_checked_tour_on_zelda_rooms():
    """Zelda's moves go both ways, so the tour without the reachability check from each candidate
    is the same tour (or the same ``None``), on random rooms of floor, wall and water."""
    import numpy as np

    from worldsmith.levels.agents.zelda import zelda_moves
    from worldsmith.types.tiles import ZELDA

    rng = np.random.default_rng(0)
    found = 0
    for _ in range(200):
        tiles = rng.choice(ZELDA.ids("FFFWP"), size=(11, 16)).astype(np.uint8)
        cells = [tuple(int(v) for v in rc) for rc in np.argwhere(tiles == ZELDA.id("F"))]
        picks = rng.choice(len(cells), 4, replace=False)
        start, targets = cells[picks[0]], {cells[i] for i in picks[1:]}
        moves = zelda_moves(tiles, bool(rng.integers(2)))
        checked = moves.tour(start, targets)
        assert moves.tour(start, targets, two_way=True) == checked
        found += checked is not None
    assert 20 < found < 180                           # both outcomes are compared
