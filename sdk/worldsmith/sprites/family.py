"""The ``sprites`` family's manifest: what it declares to the SDK (see :mod:`worldsmith.core.family`)."""
from worldsmith.core.family import Family, GeneratorSpec

FAMILY = Family(
    name="sprites",
    generators=(
        GeneratorSpec("sprites/lpc-v1", "worldsmith.sprites.lpc_v1.generator:SpriteGenerator",
                      "character walk sheets (4 directions x 4 frames, 64x64 RGBA) from an LPC-trained sheet GAN",
                      neural=True),
        GeneratorSpec("sprites/lpc-v2", "worldsmith.sprites.lpc_v2.generator:LayeredSpriteGenerator",
                      "layered character walk sheets (64x64 RGBA): learned LPC layer shapes and palettes, "
                      "recolourable"),
        GeneratorSpec("sprites/lpc-v3", "worldsmith.sprites.lpc_v3.generator:CharacterGenerator",
                      "whole LPC characters: all six animations (178 frames, the standard 832x1344 sheet), "
                      "every library slot, parts by name, exact credits"),
    ),
    asset_types={"SpriteBatch": "worldsmith.types.sprite:SpriteBatch",
                 "CharacterBatch": "worldsmith.types.character:CharacterBatch"},
    exporters={"SpriteBatch": "worldsmith.sprites.export", "CharacterBatch": "worldsmith.sprites.lpc_v3.export"},
    trainer="worldsmith.sprites.train_cli:main",
    credits="worldsmith.sprites.lpc_v3.authors:combined_credits",
    commands={"parts": "worldsmith.sprites.lpc_v3.command:add_parts_command"},
)
