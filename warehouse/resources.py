"""The warehouse stage's resources: where the years are loaded. Both open a warehouse with the
same reading and loading (writing.py); a profile picks one (pipelines/resources.py)."""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from gongkai.warehouse.lake import S3, LakeWarehouse
from gongkai.warehouse.loader import Warehouse
from gongkai.warehouse.writing import Sink


class WarehouseResource(dg.ConfigurableResource):
    """What the warehouse asset needs: a warehouse to load years into and query."""

    def open(self) -> Sink:
        raise NotImplementedError


class DuckDBWarehouse(WarehouseResource):
    """The DuckDB catalog file; the year files live beside it in `<file>.parts/`."""

    path: str

    def open(self) -> Warehouse:
        return Warehouse(self.path)


class DuckLakeWarehouse(WarehouseResource):
    """A DuckLake lake for many writers: the catalog in Postgres, the Parquet files on
    S3-compatible object storage (or a local folder). S3 fields left unset come from the
    usual AWS_* variables."""

    catalog: str = Field(description="postgres://user:password@host:5432/dbname (the database "
                         "must exist), or a file path for a one-writer lake")
    data_path: str = Field(description="s3://bucket/prefix/ or a local folder for the Parquet files")
    s3_endpoint: str | None = Field(default=None, description="http(s)://host:port of an "
                                    "S3-compatible server; unset: AWS")
    s3_key_id: str | None = None
    s3_secret: str | None = None
    s3_region: str | None = None
    s3_url_style: str | None = Field(default=None, description="path (default with an endpoint) or vhost")

    def open(self) -> LakeWarehouse:
        return LakeWarehouse(self.catalog, self.data_path, s3=S3(
            endpoint=self.s3_endpoint, key_id=self.s3_key_id, secret=self.s3_secret,
            region=self.s3_region, url_style=self.s3_url_style))
