"""The ``levels`` family's manifest: what it declares to the SDK (see :mod:`worldsmith.core.family`)."""
from worldsmith.core.family import Family, GeneratorSpec

FAMILY = Family(
    name="levels",
    generators=(
        GeneratorSpec("levels/smb-v1", "worldsmith.levels.generator:SMBGenerator",
                      "Super Mario Bros levels from a conv VAE, stitched windows, playable under NES jump physics",
                      neural=True),
        GeneratorSpec("levels/loderunner-v1", "worldsmith.levels.generator:LodeRunnerGenerator",
                      "Lode Runner 22x32 levels from a conv VAE, every gold reachable", neural=True),
        GeneratorSpec("levels/zelda-v1", "worldsmith.levels.generator:ZeldaGenerator",
                      "Zelda dungeon rooms (16 wide, 11 tall) from a conv VAE, walls closed, doors connected",
                      neural=True),
    ),
    asset_types={"TileLevel": "worldsmith.types.level:TileLevel"},
    exporters={"TileLevel": "worldsmith.levels.export"},
    trainer="worldsmith.levels.train:main",
    commands={"archive": "worldsmith.levels.command:add_archive_command"},
)
