"""Exact per-part credits for LPC characters: which authors made each sheet of the library.

The library is the Universal LPC Spritesheet (makrohn/Universal-LPC-spritesheet @29c1d69d);
its AUTHORS.txt names each author with free-text descriptions of what they made. ``RULES`` reads
those lines as glob patterns over library-relative paths ('/' separators; ``*`` also crosses
'/'; ``{a,b}`` lists alternatives). Every rule that matches a path adds its authors, in rule
order, so a sheet gets its original artist plus whoever adapted, recoloured or rebuilt it.
Each rule's trailing comment quotes the AUTHORS.txt line(s) it stands for.

Readings (judgement calls, also listed in ``GENERIC``):

* "Most of the female assets" (Luke Mehl): the female sheets of items whose AUTHORS.txt lines
  name only a male original (Johannes Sjölund's medieval set was drawn for the male body) and no
  female adapter (chain mail, tabard, caps, helms, hoods, spear), and the female sheets no line
  names at all (the wands). Female sheets whose female version is credited to someone else
  (Matthew Krohn's "(f)" adaptations, Joe White's shoes and pants, JaidynReiman's capes ...)
  and the female body itself (Stephen Challener's base) do not get him.
* Sheets no line names at all (ears, noses, eye colours other than grey, the male wood wand,
  the "parted" hairstyle) are credited to the base-body authors (of their body type; ``BASE``
  for the hairstyle): they are drawn on and fitted to that base, and those names are in every
  credit anyway, so no one is named for work that is not theirs. Tone variants and built hair
  sheets add the tone / pipeline authors. Nothing is credited to a name AUTHORS.txt lacks.
* Built hair / facial-hair sheets (``hair/<sex>/<style>/<colour>.png``,
  ``facial/<sex>/<style>/<colour>.png``) are made by Joe White's "hairstyle autoposition/recolor
  script" as extended by JaidynReiman, so both are credited there besides the style's artist;
  the ``_build/`` drawings get the style's artist only.
* Adaptations credit the original too ("dagger (f)" by Matthew Krohn is Sjölund's "dagger (m)"
  redrawn; "bunches (based on unkempt)" credits Manuel Riecke as well). Recolours not named
  (maroon shoes, red/white pants, longsleeve colours) go to the artist of the shape.
* Names are written as in the project's ATTRIBUTION.md: AUTHORS.txt headings read
  "Lanea Zimmerman (AKA Sharm)" and "Stephen Challener (AKA Redshrike)".

Lines with no sheet in this library: "orceyepatch" (Marcel van de Steeg), "Trimmed cape [behind
body] (f)" (JaidynReiman), "All layers in the Accessories group (except necklaces)" (Thane
Brimhall: the library's accessories/ holds only necklaces and JaidynReiman's cape clips).

>>> authors_of("hair/female/ponytail/black.png")
('Manuel Riecke', 'Joe White', 'JaidynReiman')
>>> authors_of("weapons/right hand/female/dagger_female.png")
('Johannes Sjölund', 'Matthew Krohn')
>>> "Luke Mehl" in credits_text({"head": ["head/tiaras_female/gold.png"]})
True
"""
from __future__ import annotations

import re
from fnmatch import translate

RED, SJO, KRO = "Stephen Challener (Redshrike)", "Johannes Sjölund", "Matthew Krohn"
MEH, MAR, RIE, BRI = "Luke Mehl", "Marcel van de Steeg", "Manuel Riecke", "Thane Brimhall"
NAG, SHA, EDD = "Lori Angela Nagel", "Lanea Zimmerman (Sharm)", "Daniel Eddeland"
WIL, JOE, RIV, JRC = "Shaun Williams", "Joe White", "Barbara Rivera", "JRConway3"
JAI, NIL, NEO = "JaidynReiman", "Nila122", "neo4cat6"

BASE_MALE = (RED, SJO)    # walk, hurt, slash, spellcast (Challener); thrust, shoot male (Sjölund)
BASE_FEMALE = (RED, KRO)  # walk, hurt, slash, spellcast (Challener); thrust, shoot female (Krohn)
#: Authors of the base animations every character's body uses.
BASE = (RED, SJO, KRO)

_SKINS = "{light,tanned,tanned2,dark,dark2,darkelf,darkelf2,orc,red_orc}"
_EYES = "{blue,brown,green,orange,purple,red,yellow}"
_RIECKE = ("{ponytail,loose,swoop,pixie,bangsshort,bangslong,unkempt,messy1,longhawk,messy2,"
           "bedhead,shorthawk,bangs,mohawk,long}")


def _hair(style: str) -> str:
    """One hairstyle everywhere: its _build drawings, the old flat sheet, the built colours."""
    return "{_build/hair,hair/*}/" + style + "{/*,.png}"


RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # --- bodies --------------------------------------------------------------------------------
    ("body/male/" + _SKINS + ".png", BASE_MALE),  # Challener: Walkcycle/Hurt/Slash/Spellcast (male and female); Sjölund: Thrust (male), Shoot (male)
    ("body/female/" + _SKINS + ".png", BASE_FEMALE),  # Challener: ... (male and female); Krohn: Thrust (female), Shoot (female)
    ("_build/_base/*", (RED,)),  # Walkcycle, Hurt (male and female): the heads the hair script fits to
    ("body/*/{tanned,dark,tanned2}.png", (MAR,)),  # Tanned and dark skinned color tones
    ("body/*/{ears,nose}/*_{tanned,dark,tanned2}.png", (MAR,)),  # Tanned and dark skinned color tones
    ("body/*/dark2.png", (SJO,)),  # dark2 skinned color tones
    ("body/*/{ears,nose}/*_dark2.png", (SJO,)),  # dark2 skinned color tones
    ("body/*/darkelf{,2}.png", (NIL,)),  # darkelf (male and female); darkelf2 (male and female)
    ("body/*/{ears,nose}/*_darkelf{,2}.png", (NIL,)),  # darkelf (male and female); darkelf2 ...
    ("body/*/{orc,red_orc}.png", (MAR, RED)),  # orc; Orc heads adapted by Marcel van de Steeg from Stephen Challener's original material
    ("body/male/skeleton.png", (SJO,)),  # Walkcycle/Hurt/Slash/Spellcast (skeleton); Thrust, Shoot (male)
    ("body/*/eyes/gray.png", (SJO,)),  # grey eyes (male and female)
    ("body/male/eyes/casting_eyeglow_skeleton.png", (SJO,)),  # Casting Eyeglow
    ("body/male/{ears,nose}/*", BASE_MALE),  # GENERIC: named by no line; drawn on the base head
    ("body/male/eyes/" + _EYES + ".png", BASE_MALE),  # GENERIC: only grey eyes are named
    ("body/female/{ears,nose}/*", BASE_FEMALE),  # GENERIC: named by no line; drawn on the base head
    ("body/female/eyes/" + _EYES + ".png", BASE_FEMALE),  # GENERIC: only grey eyes are named
    # --- hair ----------------------------------------------------------------------------------
    (_hair(_RIECKE), (RIE,)),  # ponytail loose swoop pixie bangsshort bangslong unkempt messy1 longhawk messy2 bedhead shorthawk bangs mohawk long
    (_hair("page"), (SJO, KRO)),  # page (color removed by Matthew Krohn)
    (_hair("page2"), (SJO, JOE)),  # page2 (adapted from page by Joe White)
    (_hair("princess"), (SHA, KRO)),  # princess (color removed by Matthew Krohn)
    (_hair("{ponytail2,plain}"), (JOE,)),  # ponytail2 hairstyle (f); plain hairstyle (m)
    (_hair("bangslong2"), (RIV, RIE)),  # bangslong2 (based on bangsshort)
    (_hair("bunches"), (RIV, RIE)),  # bunches (based on unkempt)
    (_hair("shoulder{l,r}"), (JAI, JRC, SHA, RIE)),  # Shoulder Hair [based on princess/unkempt] (f); Curly Shoulder Hair (female)
    (_hair("{jewfro,shortknot,longknot,xlongknot}"), (JAI,)),  # Jewfro / Shortknot / Longknot / Xlongknot Hair
    (_hair("xlong"), (NIL,)),  # extra long hairstyle
    (_hair("parted"), BASE),  # GENERIC: "parted" is named by no line
    ("hair/*/*/*.png", (JOE, JAI)),  # hairstyle autoposition/recolor script; Full Hairstyle Frame Recolors (Joe White's script extended)
    ("hair/*/*/{redhead2,raven2,purple,brown2,gold}.png", (NIL,)),  # red2, black2, purple, brown2, gold hair recolors
    ("_build/hair/{cutouts,masks,reference_points}_*.png", (JOE,)),  # hairstyle autoposition/recolor script
    # --- facial hair ---------------------------------------------------------------------------
    ("{_build/facial,facial/*}/{beard,bigstache,fiveoclock,frenchstache,mustache}{/*,.png}", (NEO,)),  # Beard and Mustache
    ("facial/*/*/*.png", (JAI, JOE)),  # Facial Hair Autoposition (Joe White's script extended)
    ("_build/facial/{cutouts,masks,reference_points}_*.png", (JAI, JOE)),  # Facial Hair Autoposition (Joe White's script extended)
    # --- head ----------------------------------------------------------------------------------
    ("head/tiaras_female/*", (MEH,)),  # All layers in the tiaras group
    ("head/bandanas/*", (MAR,)),  # bandana
    ("head/caps/*/leather_cap_*.png", (SJO,)),  # hat (leather)
    ("head/helms/*/chainhat_*.png", (SJO,)),  # hat (chain)
    ("head/helms/*/metal_helm_*.png", (SJO,)),  # helmet metal (plate)
    ("head/hoods/*/chain_hood_*.png", (SJO,)),  # hood (chain)
    ("head/hoods/*/cloth_hood_*.png", (SJO,)),  # hood (robe)
    ("head/{caps,hoods}/female/*", (MEH,)),  # GENERIC: Most of the female assets
    ("head/helms/female/{chainhat,metal_helm}_female.png", (MEH,)),  # GENERIC: Most of the female assets
    ("head/helms/male/golden_helm_male.png", (WIL, KRO)),  # Golden Armor (male) layers (separated by Matthew Krohn)
    ("head/helms/female/golden_helm_female.png", (WIL, KRO)),  # golden armor layers (f), adapted from Golden Armor (male)
    # --- accessories, cape ---------------------------------------------------------------------
    ("accessories/necklaces_female_ no_th-sh/*", (MEH,)),  # All layers in the necklaces group
    ("accessories/neck/capeclip/female/*", (JAI,)),  # Cape clip [accessories/neck] (f)
    ("accessories/neck/capetie/female/*", (JAI,)),  # Cape strap [accessories/neck] (f)
    ("torso/back/cape/normal/female/*", (JAI,)),  # Cape [back] (f)
    ("torso/back/cape/trimmed/female/*", (JAI,)),  # Trimmed cape [back] (f)
    ("torso/back/cape/tattered/female/*", (JAI,)),  # Tattered cape [back] (f)
    ("behind_body/cape/normal/female/*", (JAI,)),  # Cape [behind body] (f)
    ("behind_body/cape/tattered/female/*", (JAI,)),  # Tattered cape [behind body] (f)
    ("behind_body/equipment/quiver.png", (SJO,)),  # quiver
    ("torso/back/wings/*", (NAG,)),  # wings
    # --- torso ---------------------------------------------------------------------------------
    ("torso/chain/mail_*.png", (SJO,)),  # torso (chain)
    ("torso/chain/tabard/jacket_*.png", (SJO,)),  # jacket purple (chain)
    ("torso/chain/{mail_female.png,tabard/jacket_female.png}", (MEH,)),  # GENERIC: Most of the female assets
    ("torso/gold/*_male.png", (WIL, KRO)),  # Golden Armor (male) layers (separated by Matthew Krohn)
    ("torso/gold/*_female.png", (WIL, KRO)),  # golden armor layers (f)
    ("torso/leather/chest_*.png", (SJO,)),  # torso (m)
    ("torso/leather/shoulders_*.png", (SJO,)),  # leather shoulders (m)
    ("torso/leather/{chest,shoulders}_female.png", (KRO,)),  # leather torso (f); leather shoulders (f)
    ("torso/plate/chest_*.png", (SJO,)),  # plate (m)
    ("torso/plate/arms_*.png", (SJO,)),  # arms shoulders (m)
    ("torso/plate/*_female.png", (KRO,)),  # plate chest (f); plate shoulders (f)
    ("torso/robes_female_no_th-sh/*", (MEH, NAG)),  # All layers in the robes group; robe (Lori Angela Nagel)
    ("torso/dress_female/{overskirt,blue_vest,underdress}.png", (SHA,)),  # overskirt; blue vest; underdress
    ("torso/dress_female/dress_w_sash_female.png", (BRI,)),  # dress with sash
    ("torso/shirts/longsleeve/male/*", (SJO,)),  # shirt white (leather); shirt brown (robes); maroon/teal recolours
    ("torso/shirts/sleeveless/female/*_sleeveless.png", (JAI, JRC)),  # Sleveless shirt (f); Sleveless shirt (Female)
    ("torso/shirts/sleeveless/female/*_pirate.png", (MAR,)),  # pirateshirtlady
    ("torso/tunics/female/*", (JAI,)),  # Tunic (f)
    ("formal_male_no_th-sh/*", (BRI,)),  # All layers in the Formal Male Attire group
    # --- hands ---------------------------------------------------------------------------------
    ("hands/bracelets/bracelet.png", (MAR,)),  # bracelet
    ("hands/bracers/*/leather_bracers_*.png", (SJO,)),  # bracers (m)
    ("hands/bracers/female/leather_bracers_female.png", (KRO,)),  # bracers (f)
    ("hands/bracers/female/{cloth_bracers_female,white_cloth_bracers,white_cloth_bandages}.png", (JAI, JRC)),  # Cloth bracers (f); Female cloth bracers
    ("hands/gloves/*/metal_gloves_*.png", (SJO,)),  # gloves metal (m)
    ("hands/gloves/female/metal_gloves_female.png", (KRO,)),  # metal gloves (f)
    ("hands/gloves/*/golden_gloves_*.png", (WIL, KRO)),  # Golden Armor (male) layers (separated by Matthew Krohn); golden armor layers (f)
    # --- belt ----------------------------------------------------------------------------------
    ("belt/buckles_female_no_th-sh/*", (MEH,)),  # All layers in the buckles group
    ("belt/metal/female/{silver,iron,gold,bronze}_female_no_th-sh.png", (MEH,)),  # silver/iron/gold/bronze belt
    ("belt/cloth/female/{black,brown}_female_no_th-sh.png", (MEH,)),  # black belt; brown belt
    ("belt/cloth/{male/white_cloth_male,female/teal2_cloth_female,female/white_cloth_female}.png", (SJO,)),  # belt rope (m)
    ("belt/cloth/female/{teal2,white}_cloth_female.png", (KRO,)),  # rope belt (f)
    ("belt/leather/*/leather_*.png", (SJO,)),  # belt leather (m)
    ("belt/leather/female/leather_female.png", (KRO,)),  # leather belt (f)
    # --- legs ----------------------------------------------------------------------------------
    ("legs/pants/*", (SJO,)),  # pants greenish (leather, chain); the other colours are its recolours
    ("legs/pants/female/*", (JOE,)),  # green pants (f)
    ("legs/pants/female/magenta_pants_female.png", (JRC,)),  # Maroon/Magenta pants (female)
    ("legs/armor/*/metal_pants_*.png", (SJO,)),  # pants metal (m)
    ("legs/armor/female/metal_pants_female.png", (KRO,)),  # metal pants (f)
    ("legs/armor/*/golden_greaves_*.png", (WIL, KRO)),  # Golden Armor (male) layers (separated by ...); golden armor layers (f)
    ("legs/skirt/*", (SJO,)),  # skirt brown (robes)
    ("legs/skirt/female/*", (KRO,)),  # robe skirt (f)
    # --- feet ----------------------------------------------------------------------------------
    ("feet/shoes/*", (SJO,)),  # shoes black; shoes brown (leather, chain); maroon: recolour
    ("feet/shoes/female/*", (JOE,)),  # brown shoes (f); black shoes (f)
    ("feet/slippers_female/*", (MEH, JOE)),  # All layers in the slippers group; thrust and shoot animations for slippers layers
    ("feet/ghillies_female_no_th-sh.png", (BRI,)),  # ghillies
    ("feet/armor/*/metal_boots_*.png", (SJO,)),  # boots metal (m)
    ("feet/armor/female/metal_boots_female.png", (KRO,)),  # metal boots (f)
    ("feet/armor/*/golden_boots_*.png", (WIL, KRO)),  # Golden Armor (male) layers (separated by ...); golden armor layers (f)
    # --- weapons -------------------------------------------------------------------------------
    ("weapons/left hand/male/shield_male_cutoutforhat.png", (SJO,)),  # shield (cutout metal hat)
    ("weapons/left hand/male/shield_male_cutoutforbody.png", (SJO,)),  # shield (cutout body)
    ("weapons/left hand/either/arrow{,_skeleton}.png", (SJO,)),  # arrow; arrow (skeleton)
    ("weapons/right hand/either/bow{,_skeleton}.png", (SJO,)),  # bow; bow (skeleton)
    ("weapons/right hand/either/{greatbow,recurvebow}.png", (EDD,)),  # greatbow; recurve bow
    ("weapons/{both hand/spear,right hand/*/spear_*}.png", (SJO,)),  # spear
    ("weapons/right hand/*/dagger_*.png", (SJO,)),  # dagger (m)
    ("weapons/right hand/female/dagger_female.png", (KRO,)),  # dagger (f)
    ("weapons/right hand/female/{spear,woodwand,steelwand}_female.png", (MEH,)),  # GENERIC: Most of the female assets
    ("weapons/right hand/male/woodwand_male.png", BASE_MALE),  # GENERIC: the wand is named by no line
    ("weapons/oversize/two hand/either/spear.png", (SJO,)),  # Oversized spear
    ("weapons/oversize/two hand/either/{trident,dragonspear}.png", (EDD,)),  # Oversized trident; Oversized dragonspear
    ("weapons/oversize/right hand/*/{longsword,rapier}_*.png", (SJO,)),  # Oversized male longsword; Oversized male rapier
    ("weapons/oversize/right hand/*/{mace,saber}_*.png", (EDD,)),  # Oversized male mace; Oversized male saber
    ("weapons/oversize/right hand/female/*", (KRO,)),  # Oversized female longsword / rapier / saber / mace
)

#: Patterns whose credit is a reading rather than a named line (see the module docstring).
GENERIC = frozenset({
    "body/male/{ears,nose}/*", "body/male/eyes/" + _EYES + ".png", "body/female/{ears,nose}/*",
    "body/female/eyes/" + _EYES + ".png",
    _hair("parted"), "head/{caps,hoods}/female/*", "head/helms/female/{chainhat,metal_helm}_female.png",
    "torso/chain/{mail_female.png,tabard/jacket_female.png}", "weapons/right hand/male/woodwand_male.png",
    "weapons/right hand/female/{spear,woodwand,steelwand}_female.png"})
assert GENERIC <= {pattern for pattern, _ in RULES}


def _expand(pattern: str) -> list[str]:
    """``a{b,c}d`` -> ``['abd', 'acd']`` (no nesting)."""
    i = pattern.find("{")
    if i < 0:
        return [pattern]
    j = pattern.index("}", i)
    return [q for alt in pattern[i + 1:j].split(",") for q in _expand(pattern[:i] + alt + pattern[j + 1:])]


_COMPILED = tuple((re.compile("|".join(translate(p) for p in _expand(pattern))), pattern, authors)
                  for pattern, authors in RULES)


def matching_rules(path: str) -> tuple[str, ...]:
    """The patterns of ``RULES`` that match a library-relative path, in rule order."""
    return tuple(pattern for rx, pattern, _ in _COMPILED if rx.match(path))


USER = "user:"   # files of a part of the user's own (``parts={"head": "my_hat/"}``) start with this


def authors_of(path: str) -> tuple[str, ...]:
    """Authors of one library sheet (library-relative, '/' separators), every matching rule's
    authors in rule order without repeats; ``KeyError`` for a path no rule covers. A part of the
    user's own (``user:<path>``) is credited to its maker, not to LPC artists.

    >>> authors_of("user:my_hat/")
    ('you (a part of your own: my_hat/)',)
    """
    if path.startswith(USER):
        return (f"you (a part of your own: {path[len(USER):]})",)
    found: dict[str, None] = {}
    for rx, _, authors in _COMPILED:
        if rx.match(path):
            found.update(dict.fromkeys(authors))
    if not found:
        raise KeyError(f"no LPC AUTHORS.txt rule covers {path!r}: give a path relative to the "
                       "library root with '/' separators, e.g. 'hair/male/plain/black.png'")
    return tuple(found)


_FOOTER = (
    "Licence: the LPC art is dual licensed CC-BY-SA 3.0 (https://creativecommons.org/licenses/by-sa/3.0/)\n"
    "and GNU GPL 3.0 (https://www.gnu.org/licenses/gpl-3.0.html); it is used here under CC-BY-SA 3.0,\n"
    "and so is this derived work. Changes made: the sheets were composited into characters and\n"
    "recoloured.\n"
    "Source: Universal LPC Spritesheet, https://github.com/makrohn/Universal-LPC-spritesheet,\n"
    "commit 29c1d69d.\n"
    "Full list of authors and what each made: LPC_AUTHORS.txt (the source's AUTHORS.txt).\n")
_HEAD = "Character sprites: Liberated Pixel Cup (LPC) art.\nBase animations (body): " + ", ".join(BASE) + "\n"


def _line(path: str) -> str:
    return f"  {path}: {', '.join(authors_of(path))}\n"


def credits_text(files: dict[str, list[str]]) -> str:
    """CREDITS.txt for one character: per slot its library files and their authors, then the
    licence, the source and the pointer to the full list."""
    out = ["CREDITS\n=======\n", _HEAD]
    for slot, paths in files.items():
        out.append(f"\n[{slot}]\n")
        out.extend(_line(p) for p in paths)
    return "".join(out) + "\n" + _FOOTER


def combined_credits(characters: list[dict[str, list[str]]]) -> str:
    """CREDITS.txt for a bake of many characters: one section listing each file once, then the
    authors of all of them merged."""
    paths = sorted({p for files in characters for ps in files.values() for p in ps})
    merged: dict[str, None] = dict.fromkeys(BASE)
    for p in paths:
        merged.update(dict.fromkeys(authors_of(p)))
    return ("CREDITS\n=======\n" + _HEAD + f"\n[parts used by {len(characters)} characters]\n"
            + "".join(_line(p) for p in paths) + "\nAll authors: " + ", ".join(merged) + "\n\n"
            + _FOOTER)
