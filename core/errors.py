"""Domain errors: what services raise when a request cannot be honoured.

Services (and selectors' access-checked fetches) raise these; the API layer turns any of them into
an RFC 9457 problem with the class's ``status`` and ``code``, the message as ``detail`` and
``extra`` merged into the body. Domain code never builds HTTP responses itself.
"""


class DomainError(Exception):
    status = 400
    code = "bad_request"
    title = "Bad request"

    def __init__(self, detail: str, *, code: str | None = None, **extra):
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.extra = extra


class NotFoundError(DomainError):
    """Missing, or belonging to someone else: callers must not be able to tell which."""

    status = 404
    code = "not_found"
    title = "Not found"


class ConflictError(DomainError):
    status = 409
    code = "conflict"
    title = "Conflict"


class InvalidStateTransitionError(ConflictError):
    code = "invalid_state_transition"
    title = "Invalid state transition"


class BusinessRuleError(DomainError):
    """The input is well-formed but a business rule refuses it (deadline passed, limit reached…)."""

    status = 422
    code = "business_rule_violation"
    title = "Business rule violation"
