"""The engine at the bottom of the layers: the warehouse, SQL models, delivery months and the data
home. It imports no other package of the project (tests/test_layers.py), so sources, quality,
reporting, assets and pipelines can all build on it."""
