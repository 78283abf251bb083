"""``scenes/platformer-*`` and ``scenes/dungeon-*``: 2D scenes composed from the other families
(level, hero, quest or mission, tiles, parallax), their checks and their Tiled exporter."""
