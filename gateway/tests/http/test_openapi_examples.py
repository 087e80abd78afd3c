"""Every operation's JSON request body and success response comes with an example."""

from __future__ import annotations


def resolve(document, schema):
    ref = schema.get("$ref")
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def missing_examples(document) -> list[str]:
    missing = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body and not (body.get("example") or resolve(document, body["schema"]).get("examples")):
                missing.append(f"{method.upper()} {path} request")
            for status, response in op["responses"].items():
                content = response.get("content", {}).get("application/json")
                if not status.startswith("2") or not content:
                    continue
                schema = resolve(document, content["schema"])
                if not (content.get("example") or schema.get("examples")):
                    missing.append(f"{method.upper()} {path} {status}")
    return missing


def test_every_request_body_and_success_response_has_an_example(client):
    document = client.get("/api/v1/openapi.json").get_json()

    missing = missing_examples(document)
    assert missing == [], "\n".join(missing)


def test_every_example_is_valid_against_its_own_schema(client):
    from jsonschema import Draft202012Validator

    document = client.get("/api/v1/openapi.json").get_json()
    checked = 0
    for name, schema in document["components"]["schemas"].items():
        validator = Draft202012Validator(
            {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
        )
        for example in schema.get("examples", []):
            errors = [e.message for e in validator.iter_errors(example)]
            assert errors == [], (name, errors)
            checked += 1
    assert checked >= 25
