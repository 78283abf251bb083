"""Pure operations on RGBA pixel arrays that know no asset family: pixel-art cleanup, palettes,
outlines, upscaling and recolouring by class maps."""
