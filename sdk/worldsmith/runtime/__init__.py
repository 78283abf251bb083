"""Runtime generation inside games: a background AssetService with batching and prefetch."""
from worldsmith.runtime.service import AssetService, ServiceBusy

__all__ = ["AssetService", "ServiceBusy"]
