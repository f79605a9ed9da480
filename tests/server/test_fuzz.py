"""A bounded fuzzing run over the whole API, from its OpenAPI document, as every kind of caller.

Schemathesis generates requests for every operation, valid ones and invalid ones (wrong types,
missing fields, out-of-range numbers, odd characters), and sends them as each role, a gate
device and an anonymous caller. Every answer must be:

- no server error: never a 500; the only 5xx allowed is the documented 503 of a service this
  test server does not run (door tablets);
- documented: its status code is in the operation's OpenAPI responses;
- as documented: its body matches the response schema for that status.

The run is derandomized, so a failure reproduces, and bounded by examples per operation and a
time budget. Routes that end the caller's own session or account run last, in a phase of
their own, so they do not sign the other requests out.
"""

from __future__ import annotations

import collections
import contextlib
import time
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

pytestmark = pytest.mark.slow

CALLERS = (
    "platform_admin",
    "processor_admin",
    "community_staff",
    "committee_member",
    "resident",
    "supervisor",
    "device_a",
    "anonymous",
)
#: Operations that end the caller's own session, tokens or account: run after all others.
SELF_ENDING = {
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/me/privacy/erase"),
    ("POST", "/api/v1/me/password"),
}
#: 503s that say a service is not run by this server, documented on their routes.
NOT_RUN_HERE = {"kiosk_unavailable"}
EXAMPLES = 8
BUDGET_SECONDS = 60.0


class Tally:
    """What the run sent and what came back, for the summary and the assertions."""

    def __init__(self) -> None:
        self.requests = 0
        self.statuses: collections.Counter[int] = collections.Counter()
        self.failures: dict[tuple[str, str, int], str] = {}


def _check(case: Any, response: Any, headers: dict[str, str], tally: Tally) -> None:
    status = response.status_code
    tally.requests += 1
    tally.statuses[status] += 1
    key = (case.method.upper(), case.operation.path, status)
    if status >= 500:
        code = _error_code(response)
        if status != 503 or code not in NOT_RUN_HERE:
            sent = f"query={case.query!r} body={case.body!r}"[:300]
            tally.failures.setdefault(key, f"server error {status} {code}: {sent}")
            return
    try:
        case.validate_response(
            response,
            checks=[status_code_conformance, response_schema_conformance],
            headers=headers,
        )
    except BaseException as failure:  # schemathesis raises a group of every failed check
        tally.failures.setdefault(key, str(failure).strip().splitlines()[0:8].__str__())


def _error_code(response: Any) -> str:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return ""


def _known_ids(world: Any) -> dict[str, str]:
    """Path parameters that name real records of community A, so requests reach the rules."""
    a = world.a
    return {
        "community_id": str(a.community_id),
        "processor_id": str(a.processor_id),
        "building_id": str(a.building_id),
        "unit_id": str(a.unit_id),
        "person_id": str(a.resident_id),
        "door_id": str(a.gate_id),
        "device_id": str(a.device_id),
    }


def _run(operation: Any, mode: GenerationMode, world: Any, tally: Tally, stop_at: float) -> None:
    known = _known_ids(world)

    @given(
        case=operation.as_strategy(generation_mode=mode),
        who=st.sampled_from(CALLERS),
        real=st.booleans(),
    )
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def one(case: Any, who: str, real: bool) -> None:
        if time.monotonic() > stop_at:
            return
        if real and case.path_parameters:
            for name in case.path_parameters:
                case.path_parameters[name] = known.get(name, case.path_parameters[name])
        headers = {**world.auth(who), "Accept-Language": "en"}
        try:
            response = case.call(headers=headers)
        except ValueError:
            return  # a header value the HTTP client itself refuses to send (CR, NUL)
        _check(case, response, headers, tally)

    with contextlib.suppress(Unsatisfiable):  # no invalid request without inputs
        one()


def test_no_request_gets_a_server_error_or_an_undocumented_answer(app, world) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    first = [op for op in operations if (op.method.upper(), op.path) not in SELF_ENDING]
    last = [op for op in operations if (op.method.upper(), op.path) in SELF_ENDING]
    tally = Tally()
    started = time.monotonic()
    stop_at = started + BUDGET_SECONDS
    for phase in (first, last):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for operation in phase:
                _run(operation, mode, world, tally, stop_at)
    took = time.monotonic() - started
    print(
        f"\nfuzz: {tally.requests} requests to {len(operations)} operations in {took:.0f} s; "
        f"statuses {dict(sorted(tally.statuses.items()))}; {len(tally.failures)} failures"
    )
    assert len(operations) > 100
    assert tally.requests > 10 * len(operations)
    assert not tally.failures, "\n".join(f"{k}: {v}" for k, v in sorted(tally.failures.items()))
