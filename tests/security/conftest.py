import sys


def pytest_terminal_summary(terminalreporter):
    """How many requests the schema fuzzing sent, per role."""
    fuzz = sys.modules.get("tests.security.test_fuzz")
    if fuzz is None or not fuzz.REQUESTS:
        return
    terminalreporter.write_line(
        f"schema fuzzing (FUZZ_EXAMPLES={fuzz.EXAMPLES}), requests per role:"
    )
    for role in fuzz.ROLES:
        answers = ", ".join(
            f"{status} {fuzz.ANSWERS[role, status]}"
            for status in ("2xx", "3xx", "4xx", "5xx")
            if fuzz.ANSWERS[role, status]
        )
        terminalreporter.write_line(f"  {role}: {fuzz.REQUESTS[role]} ({answers})")
