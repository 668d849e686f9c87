"""Errors raised by the Tidings client: one class per gRPC status code.

Every error is a :class:`TidingsError` carrying the gRPC ``code`` (a
``grpc.StatusCode``) and the server's ``message``, so callers can catch the
family or one kind::

    try:
        client.query(after_seq=10**9)
    except tidings.OutOfRange as e:
        print(e.code, e.message)
"""

import grpc


class TidingsError(Exception):
    """A call failed. ``code`` is the grpc.StatusCode, ``message`` the
    server's (or gRPC's) explanation."""

    def __init__(self, code, message):
        self.code = code
        self.message = message
        name = code.name if isinstance(code, grpc.StatusCode) else str(code)
        super().__init__(f"{name}: {message}")


class InvalidArgument(TidingsError):
    """The request cannot be served as sent (the message names the field)."""


class NotFound(TidingsError):
    pass


class AlreadyExists(TidingsError):
    pass


class OutOfRange(TidingsError):
    """A cursor beyond the head, or below what retention kept."""


class FailedPrecondition(TidingsError):
    """E.g. ``expect_store_id`` names another store: the seqs you hold mean
    nothing in this one (its data were wiped or replaced)."""


class Unauthenticated(TidingsError):
    """No token, or a token the server does not know."""


class PermissionDenied(TidingsError):
    """The token lacks the role this call needs."""


class ResourceExhausted(TidingsError):
    pass


class Unavailable(TidingsError):
    """The server cannot be reached or is shutting down."""


class DeadlineExceeded(TidingsError):
    pass


class Unimplemented(TidingsError):
    pass


_BY_CODE = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExists,
    grpc.StatusCode.OUT_OF_RANGE: OutOfRange,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhausted,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
    grpc.StatusCode.UNIMPLEMENTED: Unimplemented,
}

# google.rpc.Code numbers (IngestResult.error_code) to grpc.StatusCode.
_BY_NUMBER = {c.value[0]: c for c in grpc.StatusCode}


def status_code(number):
    """The grpc.StatusCode of a google.rpc.Code number (0 = OK)."""
    return _BY_NUMBER.get(number, grpc.StatusCode.UNKNOWN)


def error(code, message):
    """The TidingsError subclass for ``code`` (a grpc.StatusCode)."""
    return _BY_CODE.get(code, TidingsError)(code, message)


def from_rpc_error(e):
    """A TidingsError for a grpc.RpcError (raised by a call or a stream)."""
    code = e.code() if hasattr(e, "code") else grpc.StatusCode.UNKNOWN
    details = e.details() if hasattr(e, "details") else str(e)
    return error(code, details or "")
