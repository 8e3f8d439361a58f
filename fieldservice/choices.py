"""Model choices from a pure enum and its labels: the values are written once,
in a rules module that knows no Django, and the labels beside the model."""

import enum
from collections.abc import Mapping
from typing import Any


def labelled(
    values: type[enum.StrEnum], labels: Mapping[Any, Any]
) -> list[tuple[str, Any]]:
    """`[(value, label), …]` in the enum's order; every value needs a label."""
    missing = [member.value for member in values if member not in labels]
    if missing:
        raise ValueError(f"{values.__name__} has no label for {', '.join(missing)}")
    return [(member.value, labels[member]) for member in values]
