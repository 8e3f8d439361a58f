import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_is_documented_in_env_example_and_readme():
    settings_text = (ROOT / "fieldservice" / "settings" / "base.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', settings_text))
    example = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    readme = (ROOT / "README.md").read_text()

    assert read, "no variables found: the pattern no longer matches settings/base.py"
    assert read - example == set()
    assert {name for name in read if f"`{name}`" not in readme} == set()
