"""Synthetic partner world: a seeded, deterministic generator of every partner export, with
planted truths (truth.json) that the warehouse must find again.

    from sources.synthetic import generate
    generate(scale="city", months=24, seed=42, out=Path("demo"))
"""
from .generator import CITY_HOME_FRACTION, generate

__all__ = ["generate", "CITY_HOME_FRACTION"]
