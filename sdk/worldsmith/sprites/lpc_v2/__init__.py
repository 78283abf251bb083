"""``sprites/lpc-v2``: layered characters (learned layer shapes and palettes), their model and fitting."""
