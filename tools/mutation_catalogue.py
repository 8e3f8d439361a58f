"""Runs the catalogue of hand-made mutations (tools/mutations.toml) and prints,
for each, whether its tests killed it, then the score.

Each mutation is one exact text replacement in one source file. The project is
copied once to a temporary folder (never the working tree is changed); for each
mutation the file is patched there, the mutation's tests run with pytest, and
the file is restored. A mutation is killed when its tests fail, survives when
they pass. Mutations marked `postgres` (removed locks: they only mean something
where writers run concurrently) run on the PostgreSQL database of DATABASE_URL;
without one they are reported as not run. The others run on SQLite.

    python tools/mutation_catalogue.py                 # every mutation
    python tools/mutation_catalogue.py --only lock-    # ids starting so
    python tools/mutation_catalogue.py --exclude lock- # all but those
    python tools/mutation_catalogue.py --tests-at eeeae01  # the tests of a commit

Before the mutations, the tests of the catalogue run once unmutated: a test
that fails there would count every mutation it guards as killed, so it is
left out of the mutation runs (and listed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "tools" / "mutations.toml"
NOT_COPIED = {
    ".git",
    ".venv",
    "mutants",
    "media",
    "var",
    "staticfiles",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
}


@dataclass
class Mutation:
    id: str
    kind: str
    file: str
    find: str
    replace: str
    tests: list[str]
    postgres: bool = False
    why: str = ""
    # Why no test can tell the mutant from the code, when it is judged so: it is
    # still run (and counted), and reported apart.
    equivalent: str = ""
    result: str = ""
    seconds: float = 0.0
    failed_tests: list[str] = field(default_factory=list)


def load(path: Path) -> list[Mutation]:
    with path.open("rb") as stream:
        entries = tomllib.load(stream)["mutation"]
    mutations = [Mutation(**entry) for entry in entries]
    seen: set[str] = set()
    for mutation in mutations:
        if mutation.id in seen:
            raise SystemExit(f"duplicate mutation id {mutation.id}")
        seen.add(mutation.id)
    return mutations


def copy_project(target: Path, tests_at: str | None) -> None:
    shutil.copytree(
        ROOT, target, ignore=lambda _dir, names: [n for n in names if n in NOT_COPIED]
    )
    if tests_at:
        shutil.rmtree(target / "tests")
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", tests_at, "tests"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)


def existing(tests: list[str], project: Path) -> list[str]:
    """The test paths (or node ids) whose file exists in `project`."""
    return [test for test in tests if (project / test.split("::")[0]).exists()]


def environment(*, postgres: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if postgres:
        env["FIELDSERVICE_REQUIRE_SERVICES"] = "1"
    else:
        env.pop("DATABASE_URL", None)
        env.pop("FIELDSERVICE_REQUIRE_SERVICES", None)
    return env


def pytest(
    project: Path,
    tests: list[str],
    *,
    postgres: bool,
    stop_early: bool = True,
    deselect: frozenset[str] = frozenset(),
) -> tuple[int, str]:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        *(["-x"] if stop_early else []),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "-o",
        "addopts=--strict-markers",
        "--no-header",
        "-rfE",
        *(f"--deselect={test}" for test in sorted(deselect)),
        *tests,
    ]
    done = subprocess.run(
        command,
        cwd=project,
        env=environment(postgres=postgres),
        capture_output=True,
        text=True,
    )
    return done.returncode, done.stdout + done.stderr


def failed_tests(output: str) -> list[str]:
    return [
        line.split()[1]
        for line in output.splitlines()
        if line.startswith(("FAILED ", "ERROR "))
    ]


def has_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgis"))


def run(
    mutations: list[Mutation],
    project: Path,
    *,
    failing: dict[bool, frozenset[str]],
    verbose: bool,
) -> None:
    for mutation in mutations:
        source = project / mutation.file
        original = source.read_text()
        if original.count(mutation.find) != 1:
            mutation.result = "broken (text not found once)"
            continue
        tests = existing(mutation.tests, project)
        if not tests:
            mutation.result = "survived (no test)"
            continue
        if mutation.postgres and not has_postgres():
            mutation.result = "not run (needs PostgreSQL: set DATABASE_URL)"
            continue
        source.write_text(original.replace(mutation.find, mutation.replace))
        started = time.monotonic()
        try:
            code, output = pytest(
                project,
                tests,
                postgres=mutation.postgres,
                deselect=failing.get(mutation.postgres, frozenset()),
            )
        finally:
            source.write_text(original)
        mutation.seconds = time.monotonic() - started
        if code == 0:
            mutation.result = "survived"
        elif code == 1:
            mutation.result = "killed"
            mutation.failed_tests = failed_tests(output)
        else:
            mutation.result = f"error (pytest exit {code})"
            if verbose:
                print(output[-3000:])
        print(
            f"{mutation.result:9} {mutation.seconds:6.1f}s  {mutation.id}"
            + (f"  by {mutation.failed_tests[0]}" if mutation.failed_tests else ""),
            flush=True,
        )


def check_baseline(
    mutations: list[Mutation], project: Path
) -> dict[bool, frozenset[str]]:
    """The catalogue's tests that fail on the unmutated code, per database
    (False: SQLite, True: PostgreSQL)."""
    failing: dict[bool, frozenset[str]] = {}
    for postgres in (False, True):
        if postgres and not has_postgres():
            continue
        tests = sorted(
            {
                test
                for mutation in mutations
                if mutation.postgres == postgres
                for test in existing(mutation.tests, project)
            }
        )
        if not tests:
            continue
        code, output = pytest(project, tests, postgres=postgres, stop_early=False)
        failing[postgres] = frozenset(failed_tests(output))
        if code not in (0, 1) or (code == 1 and not failing[postgres]):
            print(output[-5000:])
            raise SystemExit("the catalogue's tests do not run without a mutation")
        for test in sorted(failing[postgres]):
            database = "PostgreSQL" if postgres else "SQLite"
            print(f"left out, fails without any mutation on {database}: {test}")
    return failing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE)
    parser.add_argument(
        "--only", default="", help="run the ids starting with this (comma-separated)"
    )
    parser.add_argument("--exclude", help="leave out the ids starting with this")
    parser.add_argument("--tests-at", help="use the tests/ folder of this commit")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    arguments = parser.parse_args()

    mutations = [
        m
        for m in load(arguments.catalogue)
        if m.id.startswith(tuple(arguments.only.split(",")))
        and not (arguments.exclude and m.id.startswith(arguments.exclude))
    ]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fieldservice-mutations-") as folder:
        project = Path(folder) / "project"
        copy_project(project, arguments.tests_at)
        failing = {} if arguments.no_baseline else check_baseline(mutations, project)
        run(mutations, project, failing=failing, verbose=arguments.verbose)

    counted = [m for m in mutations if m.result in ("killed", "survived")] + [
        m for m in mutations if m.result == "survived (no test)"
    ]
    killed = [m for m in counted if m.result == "killed"]
    print()
    for mutation in mutations:
        if mutation.result != "killed":
            print(f"  {mutation.result}: {mutation.id} ({mutation.kind})")
            if mutation.equivalent:
                print(f"    judged equivalent: {mutation.equivalent}")
    if counted:
        equivalent = [m for m in counted if m.result != "killed" and m.equivalent]
        print(
            f"\nkilled {len(killed)} of {len(counted)}"
            f" ({100 * len(killed) / len(counted):.0f}%);"
            f" {len(killed)} of {len(counted) - len(equivalent)} without the"
            f" {len(equivalent)} judged equivalent;"
            f" {len(mutations) - len(counted)} not counted;"
            f" {time.monotonic() - started:.0f}s"
            + (f"; tests as at {arguments.tests_at}" if arguments.tests_at else "")
        )
    alive = [m for m in counted if m.result != "killed" and not m.equivalent]
    return 1 if alive or len(counted) < len(mutations) else 0


if __name__ == "__main__":
    sys.exit(main())
