"""Runtime generation inside games: a background AssetService with batching and prefetch."""
from worldsmith.runtime.service import AssetService, ServiceBusy, ServiceClosed

__all__ = ["AssetService", "ServiceBusy", "ServiceClosed"]
