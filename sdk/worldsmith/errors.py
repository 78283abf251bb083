"""Public home of worldsmith's exceptions (see :mod:`worldsmith.core.errors`)."""
from worldsmith.core.errors import (  # noqa: F401
    ConfigError,
    ExportError,
    FormatError,
    MissingDependencyError,
    UnknownGeneratorError,
    WeightsError,
    WorldsmithError,
)
