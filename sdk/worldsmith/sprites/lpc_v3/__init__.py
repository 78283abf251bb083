"""``sprites/lpc-v3``: the whole LPC character, every animation, parts by name."""
