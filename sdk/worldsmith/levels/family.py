"""The ``levels`` family's manifest: what it declares to the SDK (see :mod:`worldsmith.core.family`)."""
from worldsmith.core.family import Family, GeneratorSpec

TILE_LEVEL = "worldsmith.types.level:TileLevel"
#: the newest generator id of each game (the evaluation tools measure these)
NEWEST = {"smb": "levels/smb-v3", "loderunner": "levels/loderunner-v1", "zelda": "levels/zelda-v1"}

FAMILY = Family(
    name="levels",
    generators=(
        GeneratorSpec("levels/smb-v1", "worldsmith.levels.generator:SMBGenerator",
                      "Super Mario Bros levels from a conv VAE, stitched windows, playable under NES jump physics",
                      neural=True, config="worldsmith.levels.config:SMBConfig", asset=TILE_LEVEL),
        GeneratorSpec("levels/smb-v2", "worldsmith.levels.generator:SMBGeneratorV2",
                      "levels/smb-v1 checked for a route the Mario AI framework's A* agent plays too (agent=route)",
                      neural=True, config="worldsmith.levels.config:SMBConfigV2", asset=TILE_LEVEL),
        GeneratorSpec("levels/smb-v3", "worldsmith.levels.generator:SMBGeneratorV3",
                      "levels/smb-v2 with its first re-sample decoded ahead, in the level's own network call",
                      neural=True, config="worldsmith.levels.config:SMBConfigV3", asset=TILE_LEVEL),
        GeneratorSpec("levels/loderunner-v1", "worldsmith.levels.generator:LodeRunnerGenerator",
                      "Lode Runner 22x32 levels from a conv VAE, every gold reachable", neural=True,
                      config="worldsmith.levels.config:LodeRunnerConfig", asset=TILE_LEVEL),
        GeneratorSpec("levels/zelda-v1", "worldsmith.levels.generator:ZeldaGenerator",
                      "Zelda dungeon rooms (16 wide, 11 tall as the game shows them) from a conv VAE, walls closed, "
                      "doors connected",
                      neural=True, config="worldsmith.levels.config:ZeldaConfig", asset=TILE_LEVEL),
    ),
    asset_types={"TileLevel": TILE_LEVEL},
    exporters={"TileLevel": "worldsmith.levels.export"},
    trainer="worldsmith.levels.train:main",
    commands={"archive": "worldsmith.levels.command:add_archive_command"},
)
