"""Sprite evaluation: the metrics and the feature network they are measured with."""
