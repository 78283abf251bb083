"""Character sprites: the sheet GAN, its training, generator and metrics."""
