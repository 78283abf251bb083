"""Shared machinery every asset family uses: seeds, config, the registry and family manifests,
export formats, asset metadata, weights, files, errors. It imports nothing else of the package."""
