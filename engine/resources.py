"""Dagster resources: the data home and the warehouse inside it."""
from __future__ import annotations

from pathlib import Path

import dagster as dg

from engine.home import DataHome
from engine.warehouse import WarehouseResource


class DataHomeResource(dg.ConfigurableResource):
    root: str

    @property
    def home(self) -> DataHome:
        return DataHome(Path(self.root))


def resources_for(home: DataHome) -> dict:
    return {"data_home": DataHomeResource(root=str(home.root)),
            "warehouse": WarehouseResource(path=str(home.warehouse))}
