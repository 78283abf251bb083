"""Game scenes: 3D terrain (noise, erosion, biomes, props, mesh) and 2D scenes."""
