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
