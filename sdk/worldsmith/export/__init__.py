"""Format writers that know no family: Tiled maps, glTF/OBJ, Ink, Twee, Yarn, DOT, PNG, sprite
sheets with Aseprite atlases and GIFs, ``.npz``. They take typed data (:mod:`worldsmith.types`
classes or arrays); each family's exporter module (named in its manifest) hands them its assets
and registers the result with :mod:`worldsmith.core.formats`."""
