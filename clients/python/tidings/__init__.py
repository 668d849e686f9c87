"""tidings: a Python client for the Tidings news-signal service.

    import tidings
    client = tidings.Client("127.0.0.1:50051")
    df = client.query(published_since="2024-01-01", event_types="tariff")

See clients/python/README.md.
"""

from tidings.client import Client, to_frame
from tidings.errors import (AlreadyExists, DeadlineExceeded,
                            FailedPrecondition, InvalidArgument, NotFound,
                            OutOfRange, PermissionDenied, ResourceExhausted,
                            TidingsError, Unauthenticated, Unavailable,
                            Unimplemented)
from tidings.frames import entities, events

__all__ = [
    "Client", "to_frame", "events", "entities", "TidingsError",
    "AlreadyExists", "DeadlineExceeded", "FailedPrecondition",
    "InvalidArgument", "NotFound", "OutOfRange", "PermissionDenied",
    "ResourceExhausted", "Unauthenticated", "Unavailable", "Unimplemented",
]
