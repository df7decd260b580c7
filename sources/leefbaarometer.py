"""The Leefbaarometer 3.0's nine named classes per dimension (sources/reference/lbm_classes.yaml):
reference data that the warehouse loads (assets/leefbaarometer.py) and the methodology cites."""
from __future__ import annotations

from pathlib import Path

from engine.yaml_files import read_yaml
from sources.geography import REFERENCE_DIR

CLASSES_YAML = REFERENCE_DIR / "lbm_classes.yaml"


def load_classes(path: Path = CLASSES_YAML) -> dict:
    return read_yaml(path)
