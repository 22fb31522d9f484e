"""Property-based fuzzing of the real service from its own OpenAPI document: never a 5xx."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

#: Generated cases per route and mode: enough to hit every type and constraint, fast on 2 cores.
EXAMPLES = 40


def _fuzz(operation, mode, base_url: str, failures: list[str], skipped: list[str]) -> None:
    """Send ``EXAMPLES`` generated requests of ``mode`` to ``operation``; note any 5xx."""
    import hypothesis
    from hypothesis import HealthCheck, Phase

    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def check(case) -> None:
        response = case.call(base_url=base_url, timeout=60)
        if response.status_code >= 500:
            failures.append(
                f"{case.method} {case.path} {mode.value} body={case.body!r:.300} -> "
                f"{response.status_code} {response.text[:300]}"
            )

    try:
        check()
    except hypothesis.errors.Unsatisfiable:
        # Some modes cannot build a case for some schemas (e.g. no invalid form of a
        # body that accepts anything); nothing was sent, so nothing failed.
        skipped.append(f"{operation.path} {mode.value}")


def test_no_route_answers_5xx_to_generated_requests(api_url: str) -> None:
    """Valid and invalid bodies generated from /docs.json never make the service fail."""
    import schemathesis
    from schemathesis import GenerationMode

    schema = schemathesis.openapi.from_url(f"{api_url}/docs.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    routes = {operation.path for operation in operations}
    assert {"/score", "/score_batch", "/score_application", "/explain", "/client"} <= routes
    failures: list[str] = []
    skipped: list[str] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, api_url, failures, skipped)
    assert not failures, "\n".join(failures[:10])
    # Every route was fuzzed with valid bodies at least.
    assert not any(s.endswith("positive") for s in skipped), skipped
    print("modes without generated cases:", skipped)
