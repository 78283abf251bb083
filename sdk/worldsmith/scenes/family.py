"""The ``scenes`` family's manifest: what it declares to the SDK (see :mod:`worldsmith.core.family`)."""
from worldsmith.core.family import Family, GeneratorSpec

FAMILY = Family(
    name="scenes",
    generators=(
        GeneratorSpec("scenes/terrain-v1", "worldsmith.scenes.terrain.generator:TerrainGenerator",
                      "3D islands: eroded Perlin terrain, biomes, water and props, exported as glTF",
                      config="worldsmith.scenes.terrain.config:TerrainConfig",
                      asset="worldsmith.types.terrain:Terrain"),
        GeneratorSpec("scenes/platformer-v1", "worldsmith.scenes.tiled2d.platformer:PlatformerGenerator",
                      "2D platformer scenes: smb-v1 level, hero, enemies, items, flag, parallax, quest checkpoints "
                      "(Tiled)"),
        GeneratorSpec("scenes/platformer-v2", "worldsmith.scenes.tiled2d.platformer:PlatformerV2Generator",
                      "2D platformer scenes as v1 with a sprites/lpc-v3 hero: 9-frame walk per direction, slash and "
                      "hurt sheets"),
        GeneratorSpec("scenes/dungeon-v1", "worldsmith.scenes.tiled2d.dungeon:DungeonGenerator",
                      "Zelda-like dungeons: lock-and-key mission on a room grid of zelda-v1 rooms, solver-proved "
                      "(Tiled)"),
        GeneratorSpec("scenes/dungeon-v2", "worldsmith.scenes.tiled2d.dungeon:DungeonV2Generator",
                      "Zelda-like dungeons as v1 with a sprites/lpc-v3 hero: 9-frame walk per direction, slash and "
                      "hurt sheets"),
    ),
    asset_types={"Terrain": "worldsmith.types.terrain:Terrain", "Scene2D": "worldsmith.types.scene:Scene2D"},
    exporters={"Terrain": "worldsmith.scenes.terrain.export",
               "Scene2D": "worldsmith.scenes.tiled2d.export"},
)
