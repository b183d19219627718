"""Open311 errors: the standard's list of ``code`` + ``description``.

The HTTP status is 404 for what does not exist, 403 for a missing or invalid
``api_key``, 429 over an integration's rate limit and 400 for any other request that
cannot be fulfilled. Each error's ``code`` is the HTTP status, as in the standard's
examples; one answer may carry several errors (each bad field of a request).
"""


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions, headers: dict | None = None):
        super().__init__("; ".join(str(d) for d in descriptions))
        self.status = status
        self.descriptions = [str(d) for d in descriptions]
        self.headers = headers or {}

    def document(self) -> list[dict]:
        return [{"code": self.status, "description": d} for d in self.descriptions]


def bad_request(*descriptions) -> Open311Error:
    return Open311Error(400, *descriptions)


def forbidden(*descriptions) -> Open311Error:
    return Open311Error(403, *descriptions)


def not_found(*descriptions) -> Open311Error:
    return Open311Error(404, *descriptions)
