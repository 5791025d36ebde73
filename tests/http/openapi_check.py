#!/usr/bin/python3
"""Validates real answers of scrm serve against the OpenAPI description.

Usage: openapi_check.py DESCRIPTION.json CALLS.json

CALLS.json is a list of {"method", "route", "status", "content_type",
"body", "request_content_type", "request_body"} written by
tests/http/openapi_test.cc: "route" is the template the router matched. Each
answer must be described (its status, or "default", and its content type) and,
when JSON, valid against the schema, with every object closed: a field the
description does not name fails here, although the description leaves objects
open so that clients ignore fields added later within v1. JSON request bodies
of accepted calls (2xx) are checked against the requestBody schema too (a call
made to see a refusal sends what the description forbids). Every schema of the
description is checked as a JSON Schema 2020-12 (OpenAPI 3.1's dialect).

Runs on Debian's python3 with python3-jsonschema (scripts/install-deps).
Prints one line per problem and exits 1 when there is any.
"""
import copy
import json
import sys

import jsonschema


def resolve(doc, node):
    """The node with every $ref inlined (the description has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError("only local $ref are used: " + ref)
            target = doc
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return resolve(doc, target)
        return {k: resolve(doc, v) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(doc, v) for v in node]
    return node


def closed(schema):
    """A copy where every object schema that lists properties admits no other:
    allOf branches are merged first (they only extend objects here)."""
    if isinstance(schema, list):
        return [closed(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    s = copy.deepcopy(schema)
    if "allOf" in s and all(isinstance(b, dict) and b.get("type") == "object" for b in s["allOf"]):
        merged = {"type": "object", "properties": {}, "required": []}
        for branch in s.pop("allOf"):
            merged["properties"].update(branch.get("properties", {}))
            merged["required"] += branch.get("required", [])
        merged.update({k: v for k, v in s.items() if k not in ("type",)})
        s = merged
    for key in ("properties", "patternProperties", "$defs"):
        if key in s:
            s[key] = {k: closed(v) for k, v in s[key].items()}
    for key in ("items", "additionalProperties", "not", "contains"):
        if isinstance(s.get(key), dict):
            s[key] = closed(s[key])
    for key in ("oneOf", "anyOf", "prefixItems"):
        if key in s:
            s[key] = [closed(v) for v in s[key]]
    if "properties" in s and "additionalProperties" not in s:
        s["additionalProperties"] = False
    return s


def media(content_type):
    return content_type.split(";")[0].strip().lower()


def schemas_of(node, where):
    """Every Schema Object of the description, with where it is."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "schema" and isinstance(v, dict):
                yield where + "/schema", v
            elif k == "schemas" and where.endswith("components"):
                for name, s in v.items():
                    yield where + "/schemas/" + name, s
            else:
                yield from schemas_of(v, where + "/" + k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from schemas_of(v, where + "/" + str(i))


def main():
    doc = json.load(open(sys.argv[1], encoding="utf-8"))
    calls = json.load(open(sys.argv[2], encoding="utf-8"))
    problems = []
    if not str(doc.get("openapi", "")).startswith("3.1."):
        problems.append("the description must be OpenAPI 3.1.x (its schemas are JSON Schema 2020-12)")
    for where, schema in schemas_of(doc, "#"):
        try:
            jsonschema.Draft202012Validator.check_schema(resolve(doc, schema))
        except (jsonschema.SchemaError, KeyError, ValueError) as e:
            problems.append("%s is not a valid schema: %s" % (where, e))

    checked = 0
    for c in calls:
        what = "%s %s answered %s" % (c["method"], c["route"], c["status"])
        op = doc.get("paths", {}).get(c["route"], {}).get(c["method"].lower())
        if op is None:
            problems.append("%s: no such operation in the description" % what)
            continue
        # A call made to see a refusal (4xx) sends what the description
        # forbids on purpose: only bodies that were accepted are checked.
        accepted = 200 <= int(c["status"]) < 300
        if accepted and c.get("request_body") is not None and "requestBody" in op:
            content = resolve(doc, op["requestBody"]).get("content", {})
            if media(c["request_content_type"]) == "application/json" and "application/json" in content:
                try:
                    jsonschema.validate(json.loads(c["request_body"]),
                                        content["application/json"].get("schema", {}),
                                        cls=jsonschema.Draft202012Validator)
                except (jsonschema.ValidationError, ValueError) as e:
                    problems.append("%s: the request body sent does not match requestBody: %s"
                                    % (what, str(e).splitlines()[0]))
        responses = op.get("responses", {})
        response = responses.get(str(c["status"]), responses.get("default"))
        if response is None:
            problems.append("%s: status not described (add it to responses, or a default)" % what)
            continue
        response = resolve(doc, response)
        content = response.get("content", {})
        mt = media(c["content_type"])
        if not content:
            if c["body"]:
                problems.append("%s: a body, where the description promises none" % what)
            continue
        if mt not in content:
            problems.append("%s: content type %s not among %s" % (what, mt, sorted(content)))
            continue
        checked += 1
        if mt != "application/json":
            continue
        try:
            body = json.loads(c["body"])
        except ValueError as e:
            problems.append("%s: not JSON: %s" % (what, e))
            continue
        schema = closed(resolve(doc, content[mt].get("schema", {})))
        validator = jsonschema.Draft202012Validator(schema)
        for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path)):
            at = "/".join(str(p) for p in error.absolute_path) or "(the body)"
            problems.append("%s: at %s: %s" % (what, at, error.message[:300]))

    for p in problems:
        print("openapi: " + p)
    print("openapi: %d answers of %d calls checked against %s, %d problems"
          % (checked, len(calls), sys.argv[1], len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
