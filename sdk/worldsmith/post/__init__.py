"""Pure post-processing of generated assets (images, grids...)."""
