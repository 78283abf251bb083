"""``sprites/lpc-v1``: the VAE-GAN sheet generator, its networks and its training."""
