"""The package's one C extension (everything else is in pyproject.toml): the SMB search's state
loop, :class:`worldsmith.levels.agents.smb.SmbSearch`; plain C, no dependencies."""
from setuptools import Extension, setup

setup(ext_modules=[Extension("worldsmith.levels.agents._smbcore", ["sdk/worldsmith/levels/agents/_smbcore.c"])])
