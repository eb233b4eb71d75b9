"""Property-based tests of the HTTP API, generated from its own OpenAPI schema (schemathesis).

For every operation in /openapi.json, hypothesis draws requests that fit the
schema and requests that break it, sends them in-process (ASGI, no network) to
an app serving the real seed index, and checks each response: no 5xx, only
status codes the schema declares, a body and content type that match it,
invalid input refused, writes refused without the token. A request that takes
longer than its timeout fails the test as a hang.

Reads go to an app over the session's index; writes go to an app over a
private copy of the library and index, so adding and deleting reports here
cannot disturb other tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rag.api.app import create_app
from rag.settings import Settings

pytestmark = pytest.mark.slow

TOKEN = "fuzz-token-31d4"
# Every operation the schema has, and how many requests to draw for it. The write
# operations get fewer: an accepted report is embedded and a new index version loaded.
EXAMPLES = {
    ("GET", "/health"): 20,
    ("GET", "/documents"): 20,
    ("GET", "/documents/{doc}"): 150,
    ("GET", "/documents/{doc}/span"): 300,
    ("GET", "/ask"): 500,
    ("POST", "/ask"): 500,
    ("GET", "/search"): 500,
    ("POST", "/documents"): 100,
    ("DELETE", "/documents/{doc}"): 50,
}
TIMEOUT = {"GET": 10.0, "POST": 30.0, "DELETE": 30.0}  # seconds; far above normal, so only a hang trips it
CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
    response_headers_conformance, negative_data_rejection, ignored_auth,
]
REPORT_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=400)


@pytest.fixture(scope="module")
def read_app(seed_settings: Settings, service):
    return create_app(seed_settings, service=service)


@pytest.fixture(scope="module")
def write_app(seed_settings: Settings, seed_index: Path, service, encoder, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(seed_settings.seeds_dir, root / "seeds")
    shutil.copytree(seed_index, root / "index")
    library = seed_settings.model_copy(update={
        "seeds_dir": root / "seeds", "index_dir": root / "index", "api_token": SecretStr(TOKEN), "reload_interval": 0,
    })
    # Starts on the session's service (the copy's index is identical); the first write swaps in its own.
    app = create_app(library, service=service)
    app.state.writer_encoder = encoder
    return app


@pytest.fixture(scope="module")
def schema(read_app):
    return schemathesis.openapi.from_asgi("/openapi.json", read_app)


def test_every_operation_in_the_schema_is_fuzzed(schema):
    operations = {(r.ok().method.upper(), r.ok().path) for r in schema.get_all_operations()}
    assert operations == set(EXAMPLES)


def cases(operation, documents: list[str]):
    """Valid and invalid requests from the schema, plus some naming real documents and
    valid uploads, so the success paths are fuzzed too and not only the 404s and 422s."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    if "{doc}" in operation.path:
        strategies += [operation.as_strategy(path_parameters={"doc": d}) for d in documents]
    if operation.path == "/documents" and operation.method.upper() == "POST":
        strategies.append(st.builds(
            lambda n, text, date: operation.Case(
                query={"name": f"fuzz-{n}.txt", **({"date": date} if date else {})},
                body=text, media_type="text/plain"),
            st.integers(0, 3), REPORT_TEXT, st.sampled_from([None, "2026", "2026-02", "2026-02-30", "26"]),
        ))
    return st.one_of(strategies)


AUTHORIZATION = st.sampled_from([
    {"Authorization": f"Bearer {TOKEN}"}, {"Authorization": f"Bearer {TOKEN}"}, {"Authorization": f"Bearer {TOKEN}"},
    {}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
])


@pytest.mark.parametrize(("method", "path"), list(EXAMPLES), ids=[f"{m} {p}" for m, p in EXAMPLES])
def test_the_api_honours_its_schema_under_generated_input(schema, read_app, write_app, service, method, path):
    operation = schema[path][method]
    writes = method != "GET" and path.startswith("/documents")
    app = write_app if writes else read_app
    documents = sorted(service.documents)

    @settings(max_examples=EXAMPLES[(method, path)], deadline=None, database=None, derandomize=False,
              phases=[Phase.explicit, Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))
    @given(case=cases(operation, documents), auth=AUTHORIZATION if writes else st.just({}))
    def run(case, auth):
        if hangs:  # one is enough: shrinking a hang would cost a timeout per attempt
            return
        try:
            response = case.call(app=app, headers=auth, timeout=TIMEOUT[method])
        except requests.Timeout:
            hangs.append(case.as_curl_command(headers=auth))
            return
        case.validate_response(response, checks=CHECKS, headers=auth, transport_kwargs={"app": app})

    hangs: list[str] = []
    run()
    assert not hangs, f"no response within {TIMEOUT[method]} s to: {hangs[0]}"
