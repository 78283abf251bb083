"""Game scenes: 3D terrain in :mod:`worldsmith.scenes.terrain`, 2D Tiled scenes in
:mod:`worldsmith.scenes.tiled2d`."""
