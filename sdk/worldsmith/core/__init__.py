"""Shared machinery every asset family uses: seeds, registry, config, weights, files, errors."""
