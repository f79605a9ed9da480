"""Every request model follows the one set of input rules, including routes added later.

Each body and query model subclasses ``ApiModel`` (plain text only, the same on SQLite and
PostgreSQL), and every text, number and list a request carries has a bound in the OpenAPI
document, so no value can overflow a column or an integer, or make a list route page forever.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from typing import Any

from fastapi.routing import APIRoute
from pydantic import BaseModel

from menwei.server.schemas import ApiModel

#: A Decimal also accepted as text: ``max_digits`` bounds it, which JSON Schema cannot say.
DECIMAL_AS_TEXT = {"post /api/v1/communities/{community_id}/units body.floor_area_m2"}
UNBOUNDED_REPEAT = re.compile(r"(?<!\\)[*+]|\{\d+,\}")
CHARACTER_CLASS = re.compile(r"\[[^\]]*\]")


def _api_routes(routes: Any) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None) or getattr(route, "app", None)
        if inner is not None and hasattr(inner, "routes"):
            yield from _api_routes(inner.routes)


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    stack = [annotation]
    while stack:
        candidate = stack.pop()
        stack.extend(typing.get_args(candidate))
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            yield candidate
            for field in candidate.model_fields.values():
                stack.append(field.annotation)


def _request_models(app: Any) -> dict[type[BaseModel], str]:
    found: dict[type[BaseModel], str] = {}

    def walk(dependant: Any, path: str) -> None:
        for param in [*dependant.body_params, *dependant.query_params]:
            for model in _models_in(param.field_info.annotation):
                found.setdefault(model, path)
        for inner in dependant.dependencies:
            walk(inner, path)

    for route in _api_routes(app.routes):
        walk(route.dependant, route.path)
    return found


def test_every_request_model_is_an_api_model(app) -> None:
    models = _request_models(app)
    assert len(models) > 40
    plain = sorted(
        f"{m.__module__}.{m.__name__} ({path})"
        for m, path in models.items()
        if not issubclass(m, ApiModel)
    )
    assert not plain, "request models must subclass menwei.server.schemas.ApiModel: " + str(plain)


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _unbounded(schema: dict[str, Any], where: str, components: dict[str, Any]) -> Iterator[str]:
    schema = _resolve(schema, components)
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            yield from _unbounded(part, where, components)
    kind = schema.get("type")
    if kind == "string" and where not in DECIMAL_AS_TEXT:
        pattern = schema.get("pattern")
        repeats = UNBOUNDED_REPEAT.search(CHARACTER_CLASS.sub("", pattern or ""))
        bounded_pattern = pattern is not None and not repeats
        fixed = {"enum", "const", "format", "contentMediaType"} & set(schema)
        if "maxLength" not in schema and not bounded_pattern and not fixed:
            yield f"{where}: text without maxLength"
    if kind in ("integer", "number") and not {"maximum", "exclusiveMaximum"} & set(schema):
        yield f"{where}: number without maximum"
    if kind == "array":
        if "maxItems" not in schema:
            yield f"{where}: list without maxItems"
        yield from _unbounded(schema.get("items", {}), f"{where}[]", components)
    for name, part in schema.get("properties", {}).items():
        yield from _unbounded(part, f"{where}.{name}", components)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        yield from _unbounded(extra, f"{where}.*", components)


def test_every_request_value_is_bounded_in_the_openapi_document(app) -> None:
    document = app.openapi()
    components = document["components"]["schemas"]
    problems: list[str] = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    where = f"{method} {path} ?{parameter['name']}"
                    problems += _unbounded(parameter.get("schema", {}), where, components)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                where = f"{method} {path} body"
                problems += _unbounded(content.get("schema", {}), where, components)
    assert not problems, "\n".join(problems)


def test_every_list_route_bounds_its_offset(client, world) -> None:
    people = f"/api/v1/communities/{world.a.community_id}/people"
    for offset in ("9223372036854775808", "10000001", "-1"):
        answer = client.get(
            people, params={"offset": offset}, headers=world.auth("community_staff")
        )
        assert answer.status_code == 422, (offset, answer.text)
        assert answer.json()["error"]["details"]["fields"][0]["field"] == "offset"
    doors = client.get(
        f"/api/v1/communities/{world.a.community_id}/doors",
        params={"offset": 2**63},
        headers=world.auth("community_staff"),
    )
    assert doors.status_code == 422


def test_a_nul_in_the_sign_in_form_is_a_422_on_either_database(client) -> None:
    answer = client.post("/api/v1/auth/login", json={"login": "admin\x00", "password": "x"})
    assert answer.status_code == 422
    assert answer.json()["error"]["details"]["fields"][0]["field"] == "login"


def test_control_characters_and_lone_surrogates_are_refused_naming_the_field(client, world) -> None:
    people = f"/api/v1/communities/{world.a.community_id}/people"
    staff = world.auth("community_staff")
    for name in ("李\x00娜", "李\x1b[31m娜", "李\x7f娜"):
        answer = client.post(people, json={"name": name, "role": "owner"}, headers=staff)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["details"]["fields"][0]["field"] == "name"
    surrogate = b'{"name": "\\ud800", "role": "owner"}'
    answer = client.post(
        people, content=surrogate, headers={**staff, "Content-Type": "application/json"}
    )
    assert answer.status_code == 422


def test_null_in_a_partial_update_is_refused_unless_the_field_can_be_cleared(client, world) -> None:
    person = f"/api/v1/communities/{world.a.community_id}/people/{world.a.resident_id}"
    staff = world.auth("community_staff")
    for field in ("name", "role"):
        answer = client.patch(person, json={field: None}, headers=staff)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["details"]["fields"][0]["field"] == field
    cleared = client.patch(person, json={"date_of_birth": None}, headers=staff)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["date_of_birth"] is None
    door = f"/api/v1/communities/{world.a.community_id}/doors/{world.a.gate_id}"
    assert client.patch(door, json={"accepts": None}, headers=staff).status_code == 422
