"""Exporters keyed by file extension, one module per asset family (registered with
:mod:`worldsmith.core.formats`)."""
