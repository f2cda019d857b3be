"""A drop-in replacement for the generated SendX client ``swagger_client`` 1.0.0.

Code written for the original runs unchanged: the same names, signatures, models,
exceptions and bytes on the wire. Underneath it is a thin layer over ``sendx``
(its urllib3 transport pieces and its failure handling). New code should use
``sendx.SendX``; ``docs/migrating.md`` shows each call next to its equivalent.
"""

from __future__ import annotations

from swagger_client.api_client import ApiClient
from swagger_client.apis.contact_api import ContactApi
from swagger_client.configuration import Configuration
from swagger_client.models.contact import Contact
from swagger_client.models.contact_request import ContactRequest
from swagger_client.models.contact_response import ContactResponse
from swagger_client.models.track_request import TrackRequest
from swagger_client.models.track_response import TrackResponse

__all__ = [
    "ApiClient",
    "Configuration",
    "Contact",
    "ContactApi",
    "ContactRequest",
    "ContactResponse",
    "TrackRequest",
    "TrackResponse",
    "configuration",
]

__version__ = "1.0.0"

# As in the original, this rebinds ``swagger_client.configuration`` from the module
# to the instance; ``from swagger_client.configuration import Configuration`` still
# finds the module.
configuration = Configuration()
