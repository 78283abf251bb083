"""``scenes/terrain-v1``: 3D islands (noise, erosion, biomes, props, top-down render) and their
glTF, OBJ, PNG and JSON exporter."""
