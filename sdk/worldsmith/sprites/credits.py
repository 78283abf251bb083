"""The credits shipped with every sprite model and its samples (the training art is CC-BY-SA 3.0).

>>> "CC-BY-SA 3.0" in credits()
True
"""
from __future__ import annotations

AUTHORS = ("Lanea Zimmerman (Sharm), Stephen Challener (Redshrike), Johannes Sjölund, Marcel van de "
           "Steeg, Luke Mehl, Matthew Krohn, Manuel Riecke, Thane Brimhall, Daniel Eddeland, Shaun "
           "Williams, Joe White, Barbara Rivera, Lori Angela Nagel, JRConway3, JaidynReiman, Nila122, "
           "neo4cat6")


def credits() -> str:
    """CREDITS.md text for a model trained on the LPC character sprites."""
    return (
        "# Credits\n\n"
        "This model was trained on Liberated Pixel Cup (LPC) character sprites, as collected in the\n"
        "Universal LPC Sprite Sheet repository (makrohn/Universal-LPC-spritesheet, commit 29c1d69d),\n"
        "composited into walk sheets and cropped. Art by " + AUTHORS + "\n"
        "(full per-layer list: LPC_AUTHORS.txt in the training data's LICENSES folder).\n\n"
        "Licence: CC-BY-SA 3.0 (https://creativecommons.org/licenses/by-sa/3.0/). The weights and the\n"
        "sprites they generate may be derivatives of that art: keep this notice with them.\n")


def library_credits() -> str:
    """CREDITS.md text for a model that ships the LPC library's art itself (``sprites/lpc-v3``)."""
    return (
        "# Credits\n\n"
        "This model holds the layered Liberated Pixel Cup (LPC) character art of the Universal LPC\n"
        "Sprite Sheet repository (makrohn/Universal-LPC-spritesheet, commit 29c1d69d), re-encoded as\n"
        "class maps and palettes. Art by " + AUTHORS + "\n"
        "(per part: worldsmith.sprites.lpc_v3.authors; full list: LPC_AUTHORS.txt in the data's\n"
        "LICENSES folder). Every sheet it exports names the files and authors it draws.\n\n"
        "Licence: dual CC-BY-SA 3.0 (https://creativecommons.org/licenses/by-sa/3.0/) and GPL 3.0\n"
        "(https://www.gnu.org/licenses/gpl-3.0.html), used here under CC-BY-SA 3.0. Keep this notice\n"
        "with the model and the sprites it draws.\n")
