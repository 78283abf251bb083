"""Per-part LPC credits (sprites/lpc_v3/authors.py): known sheets, the credits text, and (with the
data) that every library sheet has a rule."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require_data
from worldsmith.sprites.lpc_v3.authors import (
    BASE,
    GENERIC,
    RULES,
    authors_of,
    combined_credits,
    credits_text,
    matching_rules,
)

KNOWN = {
    "hair/female/ponytail/black.png": {"Manuel Riecke", "Joe White", "JaidynReiman"},
    "hair/male/ponytail.png": {"Manuel Riecke"},
    "_build/hair/bunches/e.png": {"Barbara Rivera", "Manuel Riecke"},
    "hair/female/xlong/raven2.png": {"Nila122", "Joe White", "JaidynReiman"},
    "head/tiaras_female/gold.png": {"Luke Mehl"},
    "behind_body/equipment/quiver.png": {"Johannes Sjölund"},
    "torso/back/cape/normal/female/cape_red.png": {"JaidynReiman"},
    "behind_body/cape/tattered/female/tattercape_blue.png": {"JaidynReiman"},
    "accessories/neck/capeclip/female/capeclip_black.png": {"JaidynReiman"},
    "weapons/right hand/female/dagger_female.png": {"Johannes Sjölund", "Matthew Krohn"},
    "weapons/right hand/male/dagger_male.png": {"Johannes Sjölund"},
    "torso/dress_female/overskirt.png": {"Lanea Zimmerman (Sharm)"},
    "body/male/light.png": {"Stephen Challener (Redshrike)", "Johannes Sjölund"},
    "body/female/light.png": {"Stephen Challener (Redshrike)", "Matthew Krohn"},
    "body/male/skeleton.png": {"Johannes Sjölund"},
    "body/female/darkelf2.png": {"Stephen Challener (Redshrike)", "Matthew Krohn", "Nila122"},
    "facial/male/mustache/black.png": {"neo4cat6", "JaidynReiman", "Joe White"},
    "torso/gold/chest_male.png": {"Shaun Williams", "Matthew Krohn"},
    "weapons/oversize/two hand/either/trident.png": {"Daniel Eddeland"},
    "formal_male_no_th-sh/bowtie.png": {"Thane Brimhall"},
    "torso/back/wings/wings_no_th-sh.png": {"Lori Angela Nagel"},
    "feet/slippers_female/gray.png": {"Luke Mehl", "Joe White"},
}


@pytest.mark.parametrize("path", sorted(KNOWN))
def test_known_sheets(path):
    got = authors_of(path)
    assert set(got) == KNOWN[path]
    assert len(got) == len(set(got))


def test_no_wrong_author_on_near_names():
    """Patterns are tight: a style name that prefixes another does not leak."""
    assert "Manuel Riecke" not in authors_of("hair/male/ponytail2/black.png")  # Joe White's
    assert "Manuel Riecke" not in authors_of("hair/male/xlong/black.png")      # Nila122's "long"
    assert "Manuel Riecke" in authors_of("hair/male/bangslong2/black.png")     # based on bangsshort
    assert "Luke Mehl" not in authors_of("torso/back/cape/normal/female/cape_red.png")
    assert "Luke Mehl" not in authors_of("body/female/light.png")
    assert "Marcel van de Steeg" not in authors_of("body/male/darkelf.png")
    assert "Johannes Sjölund" not in authors_of("body/female/dark.png")


def test_unknown_path_raises():
    with pytest.raises(KeyError, match="no LPC AUTHORS.txt rule"):
        authors_of("torso/spaceship/laser.png")
    with pytest.raises(KeyError):
        authors_of("hair\\male\\plain\\black.png")  # '/' separators only


def test_rules_shape():
    assert len({p for p, _ in RULES}) == len(RULES)
    assert GENERIC <= {p for p, _ in RULES}
    assert all(isinstance(a, tuple) and a for _, a in RULES)
    assert set(BASE) == {"Stephen Challener (Redshrike)", "Johannes Sjölund", "Matthew Krohn"}


def test_credits_text():
    text = credits_text({"body": ["body/male/light.png"], "hair": ["hair/male/plain/black.png"],
                         "torso": ["torso/tunics/female/teal_tunic.png"]})
    assert text.index("[body]") < text.index("[hair]") < text.index("[torso]")
    assert "  hair/male/plain/black.png: Joe White, JaidynReiman\n" in text
    assert "JaidynReiman" in text and "Johannes Sjölund" in text
    for needle in ("CC-BY-SA 3.0", "https://creativecommons.org/licenses/by-sa/3.0/", "GPL 3.0",
                   "https://www.gnu.org/licenses/gpl-3.0.html", "composited", "recoloured",
                   "makrohn/Universal-LPC-spritesheet", "29c1d69d", "LPC_AUTHORS.txt",
                   "Stephen Challener (Redshrike)"):
        assert needle in text
    with pytest.raises(KeyError):
        credits_text({"hair": ["hair/male/nothing.png"]})


def test_combined_credits_lists_each_file_once():
    a = {"body": ["body/male/light.png"], "hair": ["hair/male/plain/black.png"]}
    b = {"body": ["body/male/light.png"], "head": ["head/tiaras_female/gold.png"]}
    text = combined_credits([a, b])
    assert text.count("body/male/light.png:") == 1
    assert "[parts used by 2 characters]" in text
    merged = text.split("All authors: ")[1].split("\n")[0].split(", ")
    assert len(merged) == len(set(merged))
    assert {"Luke Mehl", "Joe White", "Matthew Krohn"} <= set(merged)


def _library() -> Path:
    return require_data("sprites", "lpc_library", "AUTHORS.txt").parent


def test_every_library_sheet_has_authors():
    lib = _library()
    sheets = sorted(p.relative_to(lib).as_posix() for p in lib.rglob("*.png"))
    sheets = [s for s in sheets if not s.startswith("_build/") or s.startswith(("_build/hair/", "_build/facial/"))]
    assert len(sheets) > 2500
    generic_only = []
    for sheet in sheets:
        assert authors_of(sheet), sheet  # raises KeyError when no rule covers it
        if all(rule in GENERIC for rule in matching_rules(sheet)):
            generic_only.append(sheet)
    print(f"{len(generic_only)} of {len(sheets)} sheets credited only by a generic reading: {generic_only}")
    assert len(generic_only) < 60  # 37 at 29c1d69d: ears, noses, eye colours, wands, "parted"
    used = {rule for sheet in sheets for rule in matching_rules(sheet)}
    assert used >= {p for p, _ in RULES if not p.startswith("_build/_base")}  # no dead rules
