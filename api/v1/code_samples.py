"""OpenAPI post-processing: ``x-codeSamples`` on every operation, in eight languages.

Redoc shows ``x-codeSamples`` (``[{"lang", "label", "source"}]``) beside each operation. Every
sample is generated from the operation itself — its method, its path (path parameters filled
with example ids such as ``chl_123``), ``limit=10`` on lists, the ``Idempotency-Key`` header on
the operations that honour it (a fresh key per run) and, for a body, the operation's first
request example or, lacking one, a minimal body built from the request schema — so the samples
stay in step with the API (``api/v1/tests/test_code_samples.py`` checks each one names its
operation's method and path).

Samples read the API's base URL and the key from the environment — ``OPENCHANCE_API_BASE``
(e.g. ``https://<slug>.<domain>``) and ``OPENCHANCE_API_KEY`` — so none carries a secret and the
same text works against any host. Runs after ``api.v1.schema.postprocess``, which adds the
``Idempotency-Key`` parameter.
"""

import json
import pprint
import re
from urllib.parse import urlencode

METHODS = ("get", "post", "put", "patch", "delete")
LANGUAGES = (
    ("Shell", "curl"),
    ("Python", "Python"),
    ("JavaScript", "JavaScript"),
    ("Go", "Go"),
    ("Ruby", "Ruby"),
    ("PHP", "PHP"),
    ("Java", "Java"),
    ("C#", "C#"),
)
BASE_ENV = "OPENCHANCE_API_BASE"
KEY_ENV = "OPENCHANCE_API_KEY"

# Example ids for path parameters, by the resource the parameter names.
ID_PREFIXES = {
    "challenge": "chl",
    "application": "app",
    "message": "msg",
    "review": "rev",
    "event": "evt",
    "endpoint": "we",
    "delivery": "wd",
    "invoice": "inv",
}


# --- What a sample sends, derived from the operation


def _component(document: dict, schema: dict | None) -> dict:
    while schema and "$ref" in schema:
        schema = (
            document.get("components", {})
            .get("schemas", {})
            .get(schema["$ref"].rsplit("/", 1)[-1], {})
        )
    return schema or {}


def example_from_schema(document: dict, schema: dict | None, depth: int = 0):
    """A small value that ``schema`` accepts: its example, default or first enum value, else one
    built from its type (objects: their required properties, or the first one)."""
    schema = _component(document, schema)
    for keyword in ("allOf", "oneOf", "anyOf"):
        if schema.get(keyword):
            return example_from_schema(document, schema[keyword][0], depth + 1)
    for keyword in ("example", "default"):
        if keyword in schema:
            return schema[keyword]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = {
            name: value
            for name, value in schema.get("properties", {}).items()
            if not _component(document, value).get("readOnly")
        }
        names = [name for name in schema.get("required", []) if name in properties]
        if not names and properties and depth == 0:
            names = [next(iter(properties))]
        if depth > 4:
            return {}
        return {name: example_from_schema(document, properties[name], depth + 1) for name in names}
    if kind == "array":
        return [example_from_schema(document, schema.get("items"), depth + 1)] if depth < 4 else []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if schema.get("format") == "date-time":
        return "2030-01-31T23:59:59Z"
    if schema.get("format") == "date":
        return "2030-01-31"
    if schema.get("format") in ("uri", "url"):
        return "https://example.com/webhooks/openchance"
    return "string"


def request_body_example(document: dict, operation: dict):
    """The JSON body a sample sends (None: the operation takes no body)."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    if content.get("examples"):
        examples = content["examples"]
        return examples[next(iter(examples))].get("value")  # the first example
    if "example" in content:
        return content["example"]
    return example_from_schema(document, content.get("schema"))


def sample_path(path: str, operation: dict) -> str:
    """``path`` with its parameters filled in (``/v1/challenges/chl_123``) and ``limit=10`` on
    operations that page."""

    def fill(match: re.Match) -> str:
        name = match.group(1)
        prefix = ID_PREFIXES.get(name.removesuffix("_id"), name.removesuffix("_id")[:3])
        return f"{prefix}_123"

    filled = re.sub(r"\{(\w+)\}", fill, path)
    names = {p.get("name") for p in operation.get("parameters", []) if p.get("in") == "query"}
    return f"{filled}?{urlencode({'limit': 10})}" if "limit" in names else filled


def _is_idempotent(operation: dict) -> bool:
    return any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", []))


def _needs_key(document: dict, operation: dict) -> bool:
    return bool(operation.get("security", document.get("security", [])))


# --- One function per language: (method, path with query, body or None, idempotent, key) → text


def _json(body, indent: int = 2) -> str:
    return json.dumps(body, indent=indent)


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line if line else line for line in text.splitlines())


def sample_curl(method, url, body, idempotent, needs_key) -> str:
    lines = [f'curl -X {method} "${BASE_ENV}{url}"']
    if needs_key:
        lines.append(f'-H "Authorization: Bearer ${KEY_ENV}"')
    if idempotent:
        lines.append('-H "Idempotency-Key: $(uuidgen)"')
    if body is not None:
        lines.append('-H "Content-Type: application/json"')
        lines.append("-d '" + _json(body).replace("'", "'\\''") + "'")
    return " \\\n  ".join(lines)


def sample_python(method, url, body, idempotent, needs_key) -> str:
    headers = []
    if needs_key:
        headers.append(f'"Authorization": "Bearer " + os.environ["{KEY_ENV}"]')
    if idempotent:
        headers.append('"Idempotency-Key": str(uuid.uuid4())')
    imports = ["import os", *(["import uuid"] if idempotent else []), "", "import requests"]
    arguments = [f'"{method}"', f'os.environ["{BASE_ENV}"] + "{url}"']
    if headers:
        arguments.append("headers={" + ", ".join(headers) + "}")
    if body is not None:
        literal = pprint.pformat(body, indent=1, width=80, sort_dicts=False)
        arguments.append("json=" + literal.replace("\n", "\n    "))
    arguments.append("timeout=10")
    call = "response = requests.request(\n    " + ",\n    ".join(arguments) + ",\n)"
    return "\n".join([*imports, "", call, "print(response.status_code, response.text)"])


def sample_javascript(method, url, body, idempotent, needs_key) -> str:
    headers = []
    if needs_key:
        headers.append(f"Authorization: `Bearer ${{process.env.{KEY_ENV}}}`")
    if idempotent:
        headers.append('"Idempotency-Key": crypto.randomUUID()')
    if body is not None:
        headers.append('"Content-Type": "application/json"')
    options = [f'method: "{method}"']
    if headers:
        options.append("headers: {\n" + "".join(f"    {h},\n" for h in headers) + "  }")
    if body is not None:
        options.append("body: JSON.stringify(" + _json(body).replace("\n", "\n  ") + ")")
    return (
        "// Node.js 18+ (fetch and crypto are globals)\n"
        f'const response = await fetch(process.env.{BASE_ENV} + "{url}", {{\n'
        + "".join(f"  {option},\n" for option in options)
        + "});\nconsole.log(response.status, await response.text());"
    )


def sample_go(method, url, body, idempotent, needs_key) -> str:
    imports = ["fmt", "io", "net/http", "os"]
    if body is not None:
        imports.append("strings")
    if idempotent:
        imports += ["crypto/rand", "encoding/hex"]
    lines = ["package main", "", "import ("]
    lines += [f'\t"{name}"' for name in sorted(imports)]
    lines += [")", "", "func main() {"]
    reader = "nil"
    if body is not None:
        lines.append("\tbody := strings.NewReader(`" + _json(body) + "`)")
        reader = "body"
    lines.append(
        f'\treq, err := http.NewRequest("{method}", os.Getenv("{BASE_ENV}")+"{url}", {reader})'
    )
    lines += ["\tif err != nil {", "\t\tpanic(err)", "\t}"]
    if needs_key:
        lines.append(f'\treq.Header.Set("Authorization", "Bearer "+os.Getenv("{KEY_ENV}"))')
    if idempotent:
        lines += [
            "\tidempotencyKey := make([]byte, 16)",
            "\trand.Read(idempotencyKey)",
            '\treq.Header.Set("Idempotency-Key", hex.EncodeToString(idempotencyKey))',
        ]
    if body is not None:
        lines.append('\treq.Header.Set("Content-Type", "application/json")')
    lines += [
        "\tresp, err := http.DefaultClient.Do(req)",
        "\tif err != nil {",
        "\t\tpanic(err)",
        "\t}",
        "\tdefer resp.Body.Close()",
        "\tout, _ := io.ReadAll(resp.Body)",
        "\tfmt.Println(resp.Status, string(out))",
        "}",
    ]
    return "\n".join(lines)


def sample_ruby(method, url, body, idempotent, needs_key) -> str:
    lines = ['require "net/http"', *(['require "securerandom"'] if idempotent else []), ""]
    lines.append(f'uri = URI(ENV.fetch("{BASE_ENV}") + "{url}")')
    has_body = "true" if body is not None else "false"
    lines.append(f'request = Net::HTTPGenericRequest.new("{method}", {has_body}, true, uri)')
    if needs_key:
        lines.append(f'request["Authorization"] = "Bearer #{{ENV.fetch("{KEY_ENV}")}}"')
    if idempotent:
        lines.append('request["Idempotency-Key"] = SecureRandom.uuid')
    if body is not None:
        lines.append('request["Content-Type"] = "application/json"')
        lines.append("request.body = <<~'JSON'\n" + _indent(_json(body), 2) + "\nJSON")
    lines.append(
        'response = Net::HTTP.start(uri.host, uri.port, use_ssl: uri.scheme == "https") do |http|'
    )
    lines += ["  http.request(request)", "end", "puts response.code, response.body"]
    return "\n".join(lines)


def sample_php(method, url, body, idempotent, needs_key) -> str:
    headers = []
    if needs_key:
        headers.append(f"'Authorization: Bearer ' . getenv('{KEY_ENV}')")
    if idempotent:
        headers.append("'Idempotency-Key: ' . bin2hex(random_bytes(16))")
    if body is not None:
        headers.append("'Content-Type: application/json'")
    options = [f"CURLOPT_CUSTOMREQUEST => '{method}'", "CURLOPT_RETURNTRANSFER => true"]
    if headers:
        options.append(
            "CURLOPT_HTTPHEADER => [\n" + "".join(f"        {h},\n" for h in headers) + "    ]"
        )
    if body is not None:
        options.append(
            "CURLOPT_POSTFIELDS => <<<'JSON'\n" + _indent(_json(body), 8) + "\n        JSON"
        )
    return (
        "<?php\n"
        f"$ch = curl_init(getenv('{BASE_ENV}') . '{url}');\n"
        "curl_setopt_array($ch, [\n"
        + "".join(f"    {option},\n" for option in options)
        + "]);\n$response = curl_exec($ch);\n"
        "echo curl_getinfo($ch, CURLINFO_HTTP_CODE), ' ', $response, PHP_EOL;"
    )


def sample_java(method, url, body, idempotent, needs_key) -> str:
    builder = [f'.uri(URI.create(System.getenv("{BASE_ENV}") + "{url}"))']
    if needs_key:
        builder.append(f'.header("Authorization", "Bearer " + System.getenv("{KEY_ENV}"))')
    if idempotent:
        builder.append('.header("Idempotency-Key", UUID.randomUUID().toString())')
    if body is not None:
        builder.append('.header("Content-Type", "application/json")')
        text = _indent(_json(body).replace("\\", "\\\\"), 16)
        publisher = f'HttpRequest.BodyPublishers.ofString("""\n{text}\n                """)'
    else:
        publisher = "HttpRequest.BodyPublishers.noBody()"
    builder += [f'.method("{method}", {publisher})', ".build();"]
    imports = ["java.net.URI", "java.net.http.HttpClient", "java.net.http.HttpRequest"]
    imports += ["java.net.http.HttpResponse", *(["java.util.UUID"] if idempotent else [])]
    return (
        "".join(f"import {name};\n" for name in imports) + "\npublic class Example {\n"
        "    public static void main(String[] args) throws Exception {\n"
        "        HttpRequest request = HttpRequest.newBuilder()\n"
        + "".join(f"            {line}\n" for line in builder)
        + "        HttpResponse<String> response = HttpClient.newHttpClient()\n"
        "            .send(request, HttpResponse.BodyHandlers.ofString());\n"
        '        System.out.println(response.statusCode() + " " + response.body());\n'
        "    }\n}"
    )


def sample_csharp(method, url, body, idempotent, needs_key) -> str:
    lines = ["using System.Net.Http;", "using System.Text;", "", "var client = new HttpClient();"]
    lines.append(
        f'var request = new HttpRequestMessage(new HttpMethod("{method}"),\n'
        f'    Environment.GetEnvironmentVariable("{BASE_ENV}") + "{url}");'
    )
    if needs_key:
        lines.append(
            'request.Headers.Add("Authorization",\n'
            f'    "Bearer " + Environment.GetEnvironmentVariable("{KEY_ENV}"));'
        )
    if idempotent:
        lines.append('request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());')
    if body is not None:
        lines.append(
            'request.Content = new StringContent("""\n'
            + _indent(_json(body), 4)
            + '\n    """, Encoding.UTF8, "application/json");'
        )
    lines += [
        "var response = await client.SendAsync(request);",
        'Console.WriteLine($"{(int)response.StatusCode} '
        '{await response.Content.ReadAsStringAsync()}");',
    ]
    return "\n".join(lines)


GENERATORS = {
    "curl": sample_curl,
    "Python": sample_python,
    "JavaScript": sample_javascript,
    "Go": sample_go,
    "Ruby": sample_ruby,
    "PHP": sample_php,
    "Java": sample_java,
    "C#": sample_csharp,
}


def code_samples(document: dict, path: str, method: str, operation: dict) -> list[dict]:
    """The eight samples of one operation, in ``LANGUAGES`` order."""
    arguments = (
        method.upper(),
        sample_path(path, operation),
        request_body_example(document, operation),
        _is_idempotent(operation),
        _needs_key(document, operation),
    )
    return [
        {"lang": lang, "label": label, "source": GENERATORS[label](*arguments)}
        for lang, label in LANGUAGES
    ]


def postprocess(result, generator, request, public):
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method in METHODS:
                operation["x-codeSamples"] = code_samples(result, path, method, operation)
    return result
