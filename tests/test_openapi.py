"""cjerr endpoints --openapi: a valid OpenAPI 3.1 document of the whole catalog."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cj_errors.requests.openapi import field_schema, known_codes, openapi_document, openapi_json
from cj_errors.table import catalog
from cj_errors.table.catalog import Location
from tests.conftest import Runner


def validate(document: dict[str, Any]) -> None:
    # Imported here: the validator's schemas take half a second to load, paid only by the two tests that use it.
    from openapi_spec_validator import validate as validate_openapi

    validate_openapi(document)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi_document()


def test_the_cli_prints_a_document_the_validator_accepts(run: Runner) -> None:
    result = run("endpoints", "--openapi")
    assert result.returncode == 0, result.stderr
    assert result.stdout == openapi_json(), "stable output: the same catalog gives the same bytes"
    parsed = json.loads(result.stdout)
    validate(parsed)
    assert parsed["openapi"] == "3.1.0"


def test_openapi_stands_alone(run: Runner) -> None:
    result = run("endpoints", "--openapi", "order")
    assert result.returncode == 2 and "--openapi" in result.stderr


def test_a_broken_document_is_rejected_so_the_validation_means_something(document: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(document))
    broken["paths"]["/product/query"]["get"]["parameters"][0]["in"] = "body"  # not an OpenAPI 3 location
    with pytest.raises(Exception):  # noqa: B017 - the validator's own error type
        validate(broken)


def test_every_endpoint_and_method_is_an_operation(document: dict[str, Any]) -> None:
    assert set(document["paths"]) == {endpoint.path for endpoint in catalog.ENDPOINTS}
    for endpoint in catalog.ENDPOINTS:
        assert set(document["paths"][endpoint.path]) == {method.lower() for method in endpoint.methods}
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_parameters_sit_where_cj_reads_them(document: dict[str, Any]) -> None:
    for endpoint in catalog.ENDPOINTS:
        operation = document["paths"][endpoint.path][endpoint.method.lower()]
        query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        if endpoint.location is Location.QUERY:
            assert query == [spec.name for spec in endpoint.fields]
            assert "requestBody" not in operation
        else:
            assert query == []
        if endpoint.location is Location.JSON:
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            assert list(schema.get("properties", {})) == [spec.name for spec in endpoint.fields]
            assert schema.get("required", []) == [spec.name for spec in endpoint.fields if spec.required]
        if endpoint.location is Location.FORM:
            assert "multipart/form-data" in operation["requestBody"]["content"]
        assert [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"] == list(
            endpoint.extra_headers
        )


def test_types_lengths_and_enums(document: dict[str, Any]) -> None:
    body = document["paths"]["/shopping/order/createOrderV2"]["post"]["requestBody"]["content"]["application/json"]
    properties = body["schema"]["properties"]
    assert properties["orderNumber"]["type"] == "string" and properties["orderNumber"]["maxLength"] == 50
    products = properties["products"]
    assert products["type"] == "array" and "properties" in products["items"]
    spec = next(s for e in catalog.ENDPOINTS for s in e.fields if s.choices and s.type != "array")
    assert field_schema(spec)["enum"] == list(spec.choices)
    unknown = next(s for e in catalog.ENDPOINTS for s in e.fields if not catalog.type_known(s))
    assert "type" not in field_schema(unknown), "a type no source gives is not guessed"


def test_envelope_security_points_deprecations_sources(document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"]["CJAccessToken"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "CJ-Access-Token"}
    assert set(document["components"]["schemas"]["Envelope"]["properties"]) >= {"code", "result", "message", "data"}
    for endpoint in catalog.ENDPOINTS:
        operation = document["paths"][endpoint.path][endpoint.method.lower()]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Envelope"
        }
        assert operation["x-cj-points"] == endpoint.points
        assert operation["x-cj-changes-data"] == endpoint.mutating
        assert operation["x-cj-source"]["official"] is endpoint.official
        assert operation.get("deprecated", False) is bool(endpoint.deprecated)
        assert operation["security"] == ([{"CJAccessToken": []}] if endpoint.needs_token else [])
        codes = operation["responses"]["200"]["x-cj-error-codes"]
        assert codes == known_codes(endpoint, endpoint.method) and 1600200 in codes
        assert (16900500 in codes) is (endpoint.points > 0)


def test_known_codes_include_what_the_table_ties_to_the_endpoint() -> None:
    detail = catalog.find("/shopping/order/getOrderDetail")
    assert detail is not None
    assert 1603100 in known_codes(detail, "GET")  # Order not found
    login = catalog.find("/authentication/getAccessToken")
    assert login is not None
    assert 1600005 in known_codes(login, "POST") and 1600001 not in known_codes(login, "POST")
