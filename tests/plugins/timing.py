"""Where the time goes: the shared fixtures that took a second or more to set up, named at the
end of `--durations`."""

from __future__ import annotations

import time

import pytest

# `--durations` names a shared fixture's time after the test that first needed it ("setup" of
# some test of the group). The fixtures that took a second or more to set up are named too, at the
# end, by name and parameter: they travel with the setup report (`user_properties`), so each
# xdist worker's reach the terminal.
FIXTURE_SECONDS = "fixture_setup_seconds"
_fixture_times: list[tuple[str, float]] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest):
    started = time.monotonic()
    yield
    seconds = time.monotonic() - started  # its own time: what it needs is set up before
    if fixturedef.scope != "function" and seconds >= 1:
        param = f"[{request.param}]" if isinstance(getattr(request, "param", None), str) else ""
        _fixture_times.append((f"{fixturedef.argname}{param} ({fixturedef.scope})", seconds))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    if call.when == "setup" and _fixture_times:
        report = outcome.get_result()
        report.user_properties.extend((FIXTURE_SECONDS, timed) for timed in _fixture_times)
        _fixture_times.clear()


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter) -> None:
    timed = [
        (value, report.nodeid)
        for reports in terminalreporter.stats.values()
        for report in reports
        for key, value in getattr(report, "user_properties", ())
        if key == FIXTURE_SECONDS
    ]
    if not timed:
        return
    terminalreporter.write_sep("=", "slowest shared fixtures (their setup, counted once)")
    for (name, seconds), nodeid in sorted(timed, key=lambda row: -row[0][1])[:10]:
        terminalreporter.write_line(f"{seconds:8.2f}s {name}, set up for {nodeid}")
