"""The device API fuzzed from its own OpenAPI document (schemathesis), through a real uvicorn on
SQLite and PostgreSQL, with a member phone's or a cadre phone's token and without one, with valid
and invalid requests: whatever a device sends, the district answers below 500 — a hostile value
is a 4xx."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode

from tests.api_support import Server
from tests.cadre_sync_support import add_cadre, cadre_phone
from tests.sync_support import activated

EXAMPLES = 20  # per operation, per mode, per token: bounded so that the suite stays quick


def _operations(server: Server) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    found = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # the district's own document must be valid
        found.append(result.ok())
    return [op for op in found if op.path.startswith("/api/v1/") or op.path == "/healthz"]


def _short_wait(case: Any) -> None:
    """A long poll (`/sync/wait`) that the district would rightly hold open for up to its
    `seconds` (default 25) is asked to answer within one: the fuzzing client gives up after 10 s.
    Values the district must refuse (out of range, not a number) are left as generated."""
    if not case.path.endswith("/sync/wait"):
        return
    query = case.query if isinstance(case.query, dict) else {}
    seconds = str(query.get("seconds", "25"))
    if seconds.isdigit() and 1 <= int(seconds) <= 60:
        case.query = {**query, "seconds": 1}


def _server_errors(server: Server, headers: dict[str, str]) -> list[str]:
    failures: list[str] = []
    strategies = [op.as_strategy(generation_mode=mode) for op in _operations(server)
                  for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]

    @settings(max_examples=EXAMPLES * len(strategies), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(strategies))
    def probe(case: Any) -> None:
        _short_wait(case)
        answer = case.call(base_url=server.url, headers=headers)
        if answer.status_code >= 500:
            failures.append(f"{case.method} {case.formatted_path} → {answer.status_code}: "
                            f"{answer.text[:200]}")

    probe()
    return failures


def test_no_request_without_a_token_makes_the_district_fail(server: Server) -> None:
    assert _server_errors(server, {}) == []


def test_no_request_with_a_member_phones_token_makes_the_district_fail(server: Server) -> None:
    assert _server_errors(server, activated(server).headers) == []


def test_no_request_with_a_cadre_phones_token_makes_the_district_fail(server: Server) -> None:
    add_cadre(server)
    assert _server_errors(server, cadre_phone(server).headers) == []


def test_the_openapi_document_names_every_refusal_with_its_shape(server: Server) -> None:
    document = server.http.get("/openapi.json").json()
    shape = document["components"]["schemas"]["ErrorOut"]
    assert {"error", "message", "message_en"} <= set(shape["required"])
    for path, methods in document["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in methods.items():
            answers = operation["responses"]
            assert {"400", "401", "403", "404", "409", "422", "429"} <= set(answers), (
                method, path)
            error_schema = answers["422"]["content"]["application/json"]["schema"]
            assert error_schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)
