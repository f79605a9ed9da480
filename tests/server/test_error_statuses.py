"""Every refusal gets its HTTP status from the one table in ``server.errors``, by its class."""

from __future__ import annotations

import pytest

from menwei.core.errors import BilingualError
from menwei.server.app import create_app  # noqa: F401  (imports every router, page and service)
from menwei.server.auth.csrf import CrossSiteRefused, CsrfRejected
from menwei.server.domain import errors as domain
from menwei.server.errors import STATUS, status_of
from menwei.store import errors as store_errors


def _subclasses(kind: type[Exception]) -> list[type[Exception]]:
    found: list[type[Exception]] = []
    for sub in kind.__subclasses__():
        found.extend([sub, *_subclasses(sub)])
    return found


def test_no_error_class_carries_a_status_of_its_own() -> None:
    own = [
        f"{kind.__module__}.{kind.__qualname__}"
        for kind in _subclasses(domain.ApiError) + _subclasses(BilingualError)
        if "status" in vars(kind)
    ]
    assert not own, own


def test_every_refusal_of_the_services_has_a_status_below_500_or_a_plain_503() -> None:
    for kind in [domain.ApiError, *_subclasses(domain.ApiError)]:
        status = STATUS[next(k for k in kind.__mro__ if k in STATUS)]
        assert 400 <= status < 500 or status == 503, kind


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (domain.InvalidRequest(), 422),
        (domain.Unauthenticated(), 401),
        (domain.Forbidden(), 403),
        (domain.NotFound(), 404),
        (domain.Conflict(), 409),
        (domain.Gone(), 410),
        (domain.PayloadTooLarge(), 413),
        (domain.RateLimited(), 429),
        (domain.Unavailable(), 503),
        (domain.ApiError(code="import_failed"), 400),
        (CsrfRejected(), 403),
        (CrossSiteRefused(), 403),
        (store_errors.RecordNotFound("door", "x"), 404),
        (store_errors.ValueTooLong("name", 10), 422),
        (ValueError("not ours"), 500),
    ],
)
def test_the_status_comes_from_the_nearest_class_in_the_table(
    error: Exception, status: int
) -> None:
    assert status_of(error) == status
