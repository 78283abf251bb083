"""Exporters keyed by file extension, one module per asset family (see :mod:`.registry`)."""
