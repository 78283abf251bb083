"""The package's C extensions (everything else is in pyproject.toml), plain C with no dependencies:
the SMB search's state loop (:class:`worldsmith.levels.agents.smb.SmbSearch`), the Lode Runner
and Zelda agents' move graphs and searches (:mod:`worldsmith.levels.agents.graph`), the SMB window
blend and structure repair (:func:`worldsmith.levels.generator.stitch`,
:func:`worldsmith.levels.repair.smb_structures`; no fused multiply-add, so the blend's float32 sums
are numpy's) and the terrain's exact distance transform
(:func:`worldsmith.scenes.terrain.biomes.water_distance`)."""
from setuptools import Extension, setup

TILES_ARG = ["sdk/worldsmith/levels/_tiles_arg.h"]  # the tiles check both level kernel modules include

setup(ext_modules=[Extension("worldsmith.levels.agents._smbcore", ["sdk/worldsmith/levels/agents/_smbcore.c"]),
                   Extension("worldsmith.levels.agents._gridgraph", ["sdk/worldsmith/levels/agents/_gridgraph.c"],
                             depends=TILES_ARG),
                   Extension("worldsmith.levels._smbkernels", ["sdk/worldsmith/levels/_smbkernels.c"],
                             depends=TILES_ARG, extra_compile_args=["-ffp-contract=off"]),
                   Extension("worldsmith.scenes.terrain._edt", ["sdk/worldsmith/scenes/terrain/_edt.c"])])
