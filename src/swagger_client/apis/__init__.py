"""The API classes (``apis``, plural, as the original named the package)."""

from __future__ import annotations

from swagger_client.apis.contact_api import ContactApi

__all__ = ["ContactApi"]
