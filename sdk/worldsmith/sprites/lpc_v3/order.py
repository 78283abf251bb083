"""Drawing order of an LPC character's z-layers, per animation row, and the cut-outs the art relies on.

A part (one library sheet) belongs to one z-layer (:func:`z_layer`); a frame is composited bottom first in
the order :func:`order` gives for its row, alpha over. Parts that share a z-layer keep the order of
:data:`WITHIN` (then the caller's order). Rules and where they come from: docs/sprites.md, "Layering".

- ``down``, ``left``, ``right`` (and ``hurt``): weapons and the off hand go on top (the art draws them in
  front of the body, the bow in front of the face); ``behind`` (cape inside, quiver, wings, the hair's
  bg- / behindbody- pieces) at the bottom; ``neck`` (tie) under ``belt``; ``back`` (cape) over the hands.
- ``up``: the wearer's back faces us, so what is held in front (weapon, off hand) goes behind the body,
  and the quiver is drawn with ``back`` (over the body and the cape), see :data:`RELAYER`.

>>> order("walk", "down")[:3], order("walk", "down")[-3:]
(('behind', 'body', 'eyes'), ('head', 'weapon', 'offhand'))
>>> order("shoot", "up")[:4]
('behind', 'weapon', 'offhand', 'body')
>>> z_layer("behind_body/equipment/quiver.png"), z_layer("behind_body/equipment/quiver.png", "up")
('behind', 'back')
>>> z_layer("torso/plate/arms_male.png"), z_layer("formal_male_no_th-sh/tie.png")
('torso_over', 'neck')
>>> parts = ["accessories/neck/capeclip/female/capeclip_red.png", "torso/back/cape/normal/female/cape_red.png",
...          "body/female/light.png"]
>>> [p.rsplit("/", 1)[1] for p in sort_parts(parts, "walk", "down")]
['light.png', 'cape_red.png', 'capeclip_red.png']
>>> [c.name for c in CUTOUTS if "shoot" in c.animations and "hair" in c.cut]
['bow_arm', 'hair_behind_body']
"""
from __future__ import annotations

from typing import NamedTuple

from worldsmith.core.errors import ConfigError
from worldsmith.types.lpc_sheet import ANIMATIONS, DIRECTIONS

Z_LAYERS: tuple[str, ...] = (
    "behind", "body", "eyes", "nose", "ears", "legs", "feet", "torso", "torso_over", "neck", "belt", "hands",
    "back", "facial", "hair", "head", "weapon", "offhand")
"""All z-layer names, in the order of a down-facing row (bottom first)."""

_HELD = ("weapon", "offhand")
_FRONT: tuple[str, ...] = Z_LAYERS                                   # down, left, right, hurt
_UP: tuple[str, ...] = ("behind",) + _HELD + tuple(z for z in Z_LAYERS if z not in _HELD + ("behind",))
ORDERS: dict[str, tuple[str, ...]] = {"down": _FRONT, "left": _FRONT, "right": _FRONT, "up": _UP}
"""Drawing order by direction; the same for all six animations (checked on every row, see the doc)."""

# z-layer of a library path: first matching rule wins; (prefix, substring or "", layer).
PATH_RULES: tuple[tuple[str, str, str], ...] = (
    ("behind_body/", "", "behind"),
    ("_build/", "/bg-", "behind"), ("_build/", "/behindbody-", "behind"),
    ("body/", "/eyes/", "eyes"), ("body/", "/nose/", "nose"), ("body/", "/ears/", "ears"), ("body/", "", "body"),
    ("formal_male_no_th-sh/", "pants", "legs"), ("legs/", "", "legs"), ("feet/", "", "feet"),
    ("torso/back/", "", "back"),
    ("formal_male_no_th-sh/", "tie", "neck"), ("accessories/", "", "neck"),
    ("formal_male_no_th-sh/", "vest", "torso_over"), ("formal_male_no_th-sh/", "shirt", "torso"),
    ("torso/", "/arms_", "torso_over"), ("torso/", "/shoulders_", "torso_over"), ("torso/", "/spikes_", "torso_over"),
    ("torso/", "/tabard/", "torso_over"), ("torso/", "vest", "torso_over"), ("torso/", "overskirt", "torso_over"),
    ("torso/", "", "torso"), ("belt/", "", "belt"), ("hands/", "", "hands"), ("facial/", "", "facial"),
    ("hair/", "", "hair"), ("head/", "", "head"),
    ("weapons/right hand/", "", "weapon"), ("weapons/both hand/", "", "weapon"), ("weapons/left hand/", "", "offhand"),
)

RELAYER: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("behind_body/equipment/quiver", ("up",), "back"),
    ("torso/back/wings/", ("down", "left", "right"), "behind"),
    ("accessories/neck/cape", DIRECTIONS, "back"),
)
"""(path prefix, directions, z-layer): a part drawn with another z-layer in those rows (hurt: "down").
The quiver hangs at the left hip: behind the body facing down and sideways, over body and cape facing
up (``behind`` itself stays under the body there: the hair's bg-n pieces). Wings are on the back: over
the body facing up, behind it otherwise (drawn over, they hide the hands). A cape clip or tie fastens
the cape: drawn with it, over its edges, while ties, bow ties and necklaces stay under belt and hands."""

WITHIN: dict[str, tuple[str, ...]] = {
    "behind": ("behind_body/cape/", "torso/back/wings/", "_build/", "behind_body/equipment/"),
    "back": ("torso/back/cape/", "accessories/neck/", "torso/back/wings/", "behind_body/equipment/"),
}
"""Order of parts inside one z-layer, by path prefix (bottom first); others keep the caller's order."""


class Cutout(NamedTuple):
    """A hole in one part's art so that another part shows through: how the library fakes a z-order that
    changes inside a frame. ``cut``: the z-layers with the hole; ``shows``: what shows through it;
    ``mask``: how the hole is obtained; ``baked``: the library's built sheets already have it."""

    name: str
    cut: tuple[str, ...]
    shows: str
    animations: tuple[str, ...]
    directions: tuple[str, ...]
    mask: str
    baked: bool


CUTOUTS: tuple[Cutout, ...] = (
    Cutout("bow_arm", ("hair", "facial", "head"), "body", ("shoot",), DIRECTIONS,
           "_build/hair/cutouts_{sex}.png, alpha > 0 (= masks_{sex}.png white): the drawing arm in front of "
           "the head", True),
    Cutout("hair_behind_body", ("hair",), "body", tuple(ANIMATIONS), DIRECTIONS,
           "a hair style's _build bg-*/behindbody-* pieces are hidden wherever the body is opaque "
           "(masks_{sex}.png, any grey), except behindbody-* over the far arm (grey 128), which it covers",
           True),
    Cutout("shield_hat", ("offhand",), "head", ("thrust", "walk"), ("up",),
           "weapons/left hand/male/shield_male_cutoutforhat.png = ..._cutoutforbody.png less the chain hat's "
           "outline in rows 4 and 8 (the 2014 generator drew the shield on top and took it with a chain hat); "
           "needless with ORDERS, which draw the off hand under body and head facing up: use cutoutforbody",
           True),
    Cutout("vest_collar", ("torso_over",), "torso", ("spellcast", "walk", "slash", "hurt"), ("left", "down", "right"),
           "formal_male_no_th-sh/vest_w_shirt_cutout.png instead of vest.png over a shirt: vest.png paints "
           "its own collar; the cut-out one leaves that area (476 px) to the shirt", True),
)
"""The cut-outs of the 2014 library (measured; see the doc). All are baked into sheets or chosen as a
sheet variant, so compositing needs no mask; the masks matter when a part is rebuilt from ``_build``."""


def order(animation: str, direction: str) -> tuple[str, ...]:
    """Z-layers of one animation row, bottom first (``hurt`` faces down whatever ``direction`` says)."""
    if animation not in ANIMATIONS:
        raise ConfigError("animation", f"one of {', '.join(ANIMATIONS)}", animation)
    if animation == "hurt":
        direction = "down"
    if direction not in ORDERS:
        raise ConfigError("direction", f"one of {', '.join(DIRECTIONS)}", direction)
    return ORDERS[direction]


def z_layer(path: str, direction: str = "down") -> str:
    """The z-layer a library sheet (path relative to the library root) is drawn with in ``direction`` rows."""
    for prefix, directions, layer in RELAYER:
        if path.startswith(prefix) and direction in directions:
            return layer
    for prefix, part, layer in PATH_RULES:
        if path.startswith(prefix) and part in path:
            return layer
    raise ConfigError("path", "a regular LPC library sheet (oversize weapons are out of scope)", path)


def sort_parts(paths: list[str], animation: str, direction: str) -> list[str]:
    """``paths`` in drawing order for one row: by :func:`order`, then :data:`WITHIN`, then as given."""
    rank = {z: i for i, z in enumerate(order(animation, direction))}
    d = "down" if animation == "hurt" else direction

    def key(item: tuple[int, str]) -> tuple[int, int, int]:
        i, p = item
        z = z_layer(p, d)
        within = next((j for j, pre in enumerate(WITHIN.get(z, ())) if p.startswith(pre)), len(WITHIN.get(z, ())))
        return rank[z], within, i

    return [p for _, p in sorted(enumerate(paths), key=key)]
