"""`make mutations`' list still applies to the code as it is: a moved rule is noticed in every run, not only there."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _runner():
    spec = importlib.util.spec_from_file_location("mutations_runner", ROOT / "tools" / "mutations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_mutation_finds_its_original_text_once_and_names_existing_tests():
    runner = _runner()
    mutations = runner.load()
    assert len(mutations) >= 15
    assert runner.problems(mutations) == {}, "update tools/mutations.toml to the code (see `make mutations`)"


def test_the_runner_reports_drift_a_missing_text_and_a_missing_test(tmp_path):
    runner = _runner()
    (tmp_path / "rule.py").write_text("LIMIT = 3\nLIMIT = 3\n")
    twice = runner.Mutation("twice", "rule.py", "LIMIT = 3", "LIMIT = 4", ["tests/x.py"])
    gone = runner.Mutation("gone", "rule.py", "LIMIT = 9", "LIMIT = 4", ["tests/x.py"])
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "x.py").write_text("")
    no_test = runner.Mutation("no test", "rule.py", "LIMIT = 3\nLIMIT", "LIMIT = 4\nLIMIT", ["tests/y.py"])
    found = runner.problems([twice, gone, no_test], root=tmp_path)
    assert "2 times" in found["twice"] and "0 times" in found["gone"] and "tests/y.py" in found["no test"]
