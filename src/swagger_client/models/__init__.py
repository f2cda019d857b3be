"""The five models of the v1 contact API, as the original client named them."""

from __future__ import annotations

from swagger_client.models.contact import Contact
from swagger_client.models.contact_request import ContactRequest
from swagger_client.models.contact_response import ContactResponse
from swagger_client.models.track_request import TrackRequest
from swagger_client.models.track_response import TrackResponse

__all__ = ["Contact", "ContactRequest", "ContactResponse", "TrackRequest", "TrackResponse"]
