"""The package's C extensions (everything else is in pyproject.toml), plain C with no dependencies:
the SMB search's state loop (:class:`worldsmith.levels.agents.smb.SmbSearch`) and the terrain's
exact distance transform (:func:`worldsmith.scenes.terrain.biomes.water_distance`)."""
from setuptools import Extension, setup

setup(ext_modules=[Extension("worldsmith.levels.agents._smbcore", ["sdk/worldsmith/levels/agents/_smbcore.c"]),
                   Extension("worldsmith.scenes.terrain._edt", ["sdk/worldsmith/scenes/terrain/_edt.c"])])
