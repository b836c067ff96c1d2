"""TST002 when the test requirements did not install because of the machine, not the
repository: an error with what to do, never a failure."""

from __future__ import annotations

from reprobot.checks.core.model import Status
from reprobot.checks.families.tests.run import CommandResult, TestRun
from tests.environment.test_network import DNS, TLS
from tests.families.tests.test_tests_verdicts import PYTEST, _tst002


def test_tst002_is_an_error_when_the_index_s_certificate_is_not_trusted() -> None:
    outcome = _tst002(TestRun(PYTEST, install_failure=CommandResult(2, TLS)))
    assert outcome.status is Status.ERROR
    assert "invalid peer certificate: UnknownIssuer" in outcome.message
    assert "SSL_CERT_FILE" in outcome.message


def test_tst002_is_an_error_when_the_index_s_host_does_not_resolve() -> None:
    outcome = _tst002(TestRun(PYTEST, install_failure=CommandResult(2, DNS)))
    assert outcome.status is Status.ERROR and "did not resolve" in outcome.message


def test_tst002_still_fails_when_the_requirement_is_the_repository_s_mistake() -> None:
    failure = CommandResult(1, "error: no version of pytest==99 found")
    assert _tst002(TestRun(PYTEST, install_failure=failure)).status is Status.FAIL
