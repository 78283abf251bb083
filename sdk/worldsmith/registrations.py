"""The built-in generators. Each family adds its ids here; nothing is imported until used."""
from worldsmith.core.registry import register

register("plots/quest-v1", "worldsmith.plots.generator:QuestGenerator",
         "branching quest graphs: branch-and-bottleneck acts with lock-and-key gates")
register("sprites/lpc-v1", "worldsmith.sprites.lpc_v1.generator:SpriteGenerator",
         "character walk sheets (4 directions x 4 frames, 64x64 RGBA) from an LPC-trained sheet GAN")
register("sprites/lpc-v2", "worldsmith.sprites.lpc_v2.generator:LayeredSpriteGenerator",
         "layered character walk sheets (64x64 RGBA): learned LPC layer shapes and palettes, recolourable")
register("sprites/lpc-v3", "worldsmith.sprites.lpc_v3.generator:CharacterGenerator",
         "whole LPC characters: all six animations (178 frames, the standard 832x1344 sheet), every library "
         "slot, parts by name, exact credits")
register("levels/smb-v1", "worldsmith.levels.generator:SMBGenerator",
         "Super Mario Bros levels from a conv VAE, stitched windows, playable under NES jump physics")
register("levels/loderunner-v1", "worldsmith.levels.generator:LodeRunnerGenerator",
         "Lode Runner 22x32 levels from a conv VAE, every gold reachable")
register("levels/zelda-v1", "worldsmith.levels.generator:ZeldaGenerator",
         "Zelda dungeon rooms (16x11) from a conv VAE, walls closed, doors connected")
register("scenes/terrain-v1", "worldsmith.scenes.terrain:TerrainGenerator",
         "3D islands: eroded Perlin terrain, biomes, water and props, exported as glTF")
register("scenes/platformer-v1", "worldsmith.scenes.platformer:PlatformerGenerator",
         "2D platformer scenes: smb-v1 level, hero, enemies, items, flag, parallax, quest checkpoints (Tiled)")
register("scenes/platformer-v2", "worldsmith.scenes.platformer:PlatformerV2Generator",
         "2D platformer scenes as v1 with a sprites/lpc-v3 hero: 9-frame walk per direction, slash and hurt sheets")
register("scenes/dungeon-v1", "worldsmith.scenes.dungeon:DungeonGenerator",
         "Zelda-like dungeons: lock-and-key mission on a room grid of zelda-v1 rooms, solver-proved (Tiled)")
register("scenes/dungeon-v2", "worldsmith.scenes.dungeon:DungeonV2Generator",
         "Zelda-like dungeons as v1 with a sprites/lpc-v3 hero: 9-frame walk per direction, slash and hurt sheets")
