"""The warehouse stage's resource: the DuckDB file the years are loaded into. (A lake
warehouse for the cluster profile would be another resource with the same `open`.)"""

from __future__ import annotations

import dagster as dg

from gongkai.warehouse.loader import Warehouse


class DuckDBWarehouse(dg.ConfigurableResource):
    """The DuckDB catalog file; the year files live beside it in `<file>.parts/`."""

    path: str

    def open(self) -> Warehouse:
        return Warehouse(self.path)
