"""docs/api.md: the HTTP API reference that travels with the code, written from the OpenAPI document.

`.venv/bin/python -m tracker.web.openapi_markdown` rewrites it. tests/test_docs.py fails while the
committed file differs from what this module writes, so a route changed in tracker/web/openapi.py
cannot leave the reference behind.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tracker.domain.trouble import HTTP_SENTENCES, SENTENCES, error_words
from tracker.web.openapi import BASE, ERRORS, SPEC_PATH, document, limits, operations_tagged
from tracker.web.openapi_schemas import Schema

TARGET = Path(__file__).resolve().parents[2] / "docs" / "api.md"
COMMAND = ".venv/bin/python -m tracker.web.openapi_markdown"
CODE_SPAN = re.compile(r"`[^`]*`")
ADDRESS = re.compile(r"\b(?:https?://|www\.)[^\s`]*[^\s`.,;:)]")  # viewers would make it a link
PIECES = re.compile(f"({CODE_SPAN.pattern}|{ADDRESS.pattern})")
MARKUP = re.compile(r"([\\*<\[\]])")  # what Markdown would read as emphasis, HTML or a link


def main() -> None:
    TARGET.write_text(api_reference(document()))
    print(f"wrote {TARGET}", file=sys.stderr)


def api_reference(spec: dict[str, Any]) -> str:
    """Return the whole reference as Markdown: operations by tag, errors, then the schemas."""
    sections = [(tag, list(operations_tagged(spec, tag["name"]))) for tag in spec["tags"]]
    lines = [
        "# HTTP API reference",
        "",
        f"<!-- Generated from the OpenAPI document (tracker/web/openapi.py) by `{COMMAND}`: "
        "edit that, not this file. -->",
        "",
        f"The running service serves the same description as an OpenAPI {spec['openapi']} document at "
        f"`{SPEC_PATH}` and as a page at `/api/docs`. Every path below is under `{BASE}`. Webhook "
        "deliveries are described in [webhooks.md](webhooks.md), the settings in "
        "[settings.md](settings.md).",
        "",
        *[
            prose(paragraph.replace("\n", " ")) + "\n"
            for paragraph in spec["info"]["description"].split("\n\n")
        ],
        "## Contents",
        "",
        *[
            f"- [{tag_heading(tag['name'])}](#{slug(tag_heading(tag['name']))}): {prose(tag['description'])}"
            for tag, _operations in sections
        ],
        "- [Errors](#errors)",
        "- [Schemas](#schemas)",
        "",
    ]
    for tag, operations in sections:
        lines += tag_section(tag, operations)
    lines += errors_section(spec["components"]["responses"])
    lines += [
        "## Schemas",
        "",
        "Answers never carry fields that are not listed; nullable fields are always present.",
        "",
    ]
    for name, schema in spec["components"]["schemas"].items():
        lines += schema_section(name, schema)
    text = "\n".join(lines).rstrip("\n") + "\n"
    check_unique_headings(text)
    return text


def tag_heading(tag: str) -> str:
    return f"{tag} API"  # "Rules" alone would be the Rules schema's heading too


def operation_heading(operation: dict[str, Any]) -> str:
    return f"{operation['method']} {operation['path']}"


def tag_section(tag: dict[str, Any], operations: list[dict[str, Any]]) -> list[str]:
    lines = [f"## {tag_heading(tag['name'])}", "", prose(tag["description"]) + ".", ""]
    lines += ["| Operation | Summary |", "| --- | --- |"]
    lines += [
        f"| [`{operation_heading(op)}`](#{slug(operation_heading(op))}) | {cell(op['summary'])} |"
        for op in operations
    ]
    lines.append("")
    for op in operations:
        lines += operation_section(op)
    return lines


def operation_section(op: dict[str, Any]) -> list[str]:
    lines = [f"### {operation_heading(op)}", "", prose(op["summary"]) + "."]
    if "description" in op:
        lines += ["", prose(op["description"])]
    lines += ["", access(op), ""]
    if "parameters" in op:
        lines += ["Parameters:", "", "| Name | In | Type | Description |", "| --- | --- | --- | --- |"]
        lines += [
            f"| `{param['name']}`{' (required)' if param.get('required') else ''} | {param['in']} | "
            f"{cell(type_text(param['schema']))} | {cell(prose(param['description']))} |"
            for param in op["parameters"]
        ]
        lines.append("")
    if "requestBody" in op:
        lines += ["Request body:", ""]
        lines += [
            f"- {media_text(media, content)}" for media, content in op["requestBody"]["content"].items()
        ]
        lines.append("")
    lines += ["Responses:", "", "| Status | Meaning | Body |", "| --- | --- | --- |"]
    for status, answer in op["responses"].items():
        if "$ref" in answer:
            continue  # a shared error answer: listed once, under Errors
        body = "; ".join(media_text(media, content) for media, content in answer.get("content", {}).items())
        lines.append(f"| {status} | {cell(answer_meaning(answer))} | {cell(body) or 'none'} |")
    errors = sorted(status for status, answer in op["responses"].items() if "$ref" in answer)
    return [*lines, "", f"Errors ([what they mean](#errors)): {', '.join(errors)}.", ""]


def answer_meaning(answer: dict[str, Any]) -> str:
    """Return what an answer means, with the headers it carries."""
    headers = [
        f"; `{name}`: {prose(header['description'])}" for name, header in answer.get("headers", {}).items()
    ]
    return prose(answer["description"]) + "".join(headers)


def access(op: dict[str, Any]) -> str:
    if {} in op["security"]:
        return (
            "Access: open to anonymous callers while public reading is on (`TRACKER_PUBLIC_READ` or the "
            "admin's switch; off by default); a bearer token always works."
        )
    return "Access: needs a bearer token."


def media_text(media: str, content: dict[str, Any]) -> str:
    return f"`{media}`: {type_text(content['schema'])}"


def errors_section(responses: dict[str, Any]) -> list[str]:
    """Return the HTTP errors every operation shares, and the codes a failed check carries."""
    lines = [
        "## Errors",
        "",
        f"Every error answer is an [Error](#{slug('Error')}) object with the HTTP status below; its `code` "
        "names what went wrong, its `message` says what to do.",
        "",
        "| Status | Name | When |",
        "| --- | --- | --- |",
    ]
    for status, (name, _about) in ERRORS.items():
        lines.append(f"| {status} | {name} | {cell(answer_meaning(responses[name]))} |")
    lines += [
        "",
        "### Why a check failed",
        "",
        "A failed check is not an HTTP error: check-now answers 200 with the [Check](#check), whose "
        "`outcome` is `error` and whose `error.code` is one of these (the article list shows the same "
        "sentences):",
        "",
        "| `error.code` | Meaning |",
        "| --- | --- |",
        *[f"| `{code}` | {cell(prose(error_words(code)))} |" for code in SENTENCES],
        *[
            f"| `http_{status}` | {cell(prose(error_words(f'http_{status}')))} |"
            for status in sorted(HTTP_SENTENCES)
        ],
        f"| `http_500` (and every 5xx) | {cell(prose(error_words('http_500')))} |",
        f"| `http_418` (and every other status) | {cell(prose(error_words('http_418')))} |",
        "",
    ]
    return lines


def schema_section(name: str, schema: Schema) -> list[str]:
    lines = [f"### {name}", ""]
    if "description" in schema:
        text = schema["description"].removesuffix(".")  # a docstring's sentence, or a phrase
        lines += [prose(text[0].upper() + text[1:]) + ".", ""]
    if "oneOf" in schema:
        for number, choice in enumerate(schema["oneOf"]):
            lines += ["Either:" if number == 0 else "Or:", "", *fields_table(choice)]
        return lines
    return [*lines, *fields_table(schema)]


def fields_table(schema: Schema) -> list[str]:
    if "properties" not in schema:
        return [type_text(schema), ""]
    lines = ["| Field | Type | Description |", "| --- | --- | --- |"]
    lines += [
        f"| `{name}`{' (required)' if required else ''} | {cell(type_text(prop))} | "
        f"{cell(prose(prop.get('description', '')))} |"
        for name, prop, required in properties(schema)
    ]
    return [*lines, ""]


def properties(schema: Schema, prefix: str = "") -> Iterator[tuple[str, Schema, bool]]:
    """Yield (name, schema, required) for each property, nested inline objects as dotted names (`a.b`,
    `a[].b` for the objects of an array)."""
    required = set(schema.get("required", ()))
    for name, prop in schema.get("properties", {}).items():
        yield prefix + name, prop, name in required
        if "properties" in prop:
            yield from properties(prop, f"{prefix}{name}.")
        elif "properties" in prop.get("items", {}):
            yield from properties(prop["items"], f"{prefix}{name}[].")


def type_text(schema: Schema) -> str:
    """Return a short readable type as Markdown, e.g. 'string or null', 'array of [Article](#article)',
    with its allowed values and limits."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return f"[{name}](#{slug(name)})"
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return " or ".join(type_text(choice) for choice in schema[key])
    kinds = schema.get("type", "any")
    text = " or ".join(
        f"array of {type_text(schema['items'])}" if kind == "array" and "items" in schema else kind
        for kind in (kinds if isinstance(kinds, list) else [kinds])
    )
    if "enum" in schema or "const" in schema:
        text += ": " + ", ".join(f"`{value}`" for value in schema.get("enum", [schema.get("const")]))
    if "prefixItems" in schema:
        text += " [" + ", ".join(type_text(item) for item in schema["prefixItems"]) + "]"
    if "pattern" in schema:
        schema = {**schema, "pattern": f"`{schema['pattern']}`"}
    return text + limits(schema)


def prose(text: str) -> str:
    """Return description text as Markdown: its `backticked` words stay code, web addresses become
    code (a link would lead out of the docs), nothing else is markup."""
    return "".join(
        part
        if CODE_SPAN.fullmatch(part)
        else f"`{part}`"
        if ADDRESS.fullmatch(part)
        else MARKUP.sub(r"\\\1", part)
        for part in PIECES.split(text)
    )


def cell(text: str) -> str:
    """Return text fit for one table cell: one line, its pipes escaped (code spans included)."""
    return text.replace("\n", " ").replace("|", "\\|")


def slug(heading: str) -> str:
    """Return the anchor GitHub (and most Markdown viewers) give a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def headings(markdown: str) -> Iterator[str]:
    """Yield the text of every heading outside fenced code blocks."""
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (found := re.match(r"#{1,6} (.+)", line)):
            yield found.group(1)


def check_unique_headings(markdown: str) -> None:
    """Fail when two headings share an anchor: a link meant for the second would open the first."""
    anchors = [slug(heading) for heading in headings(markdown)]
    twice = sorted({anchor for anchor in anchors if anchors.count(anchor) > 1})
    if twice:
        raise ValueError(f"headings with the same anchor: {twice}")


if __name__ == "__main__":
    main()
