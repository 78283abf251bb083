"""Character sprites: one package per model (lpc_v1, lpc_v2, lpc_v3), their evaluation (eval), and the
sheet data, credits and ``worldsmith train sprites`` command they share."""
