"""The export tables written from Spark: the columns and flattening of :mod:`storytrace.export`.

Rows are made by the export module's own record functions and :func:`export_tables`, then
written as one Parquet folder per table, ``<out>/<table>.parquet/part-*.parquet``, each part
sorted by the export's order (``storytrace import`` restores the order of the whole table).
Two tables go beyond the export: ``reuse_links`` (the pairwise links
behind the families, which the UI shows and ``storytrace import`` loads) and
``input_errors``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..export import TABLE_COLUMNS, export_tables

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession

EXTRA_COLUMNS: dict[str, dict[str, str]] = {
    "reuse_links": {
        "a_article": "string",
        "a_start": "int64",
        "a_end": "int64",
        "b_article": "string",
        "b_start": "int64",
        "b_end": "int64",
        "similarity": "double",
        "kind": "string",
    },
    "input_errors": {"origin": "string", "cause": "string"},
}
ALL_COLUMNS = TABLE_COLUMNS | EXTRA_COLUMNS
_DOCUMENT_LISTS = ("articles", "stories", "reuse", "outlet_graph", "findings", "mentions", "quotes")


def flatten(**lists: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """:func:`export_tables` over a partial export document (the lists not given are empty)."""
    document: dict[str, Any] = {name: [] for name in _DOCUMENT_LISTS}
    document.update(lists)
    return export_tables(document)


def _spark_schema(columns: dict[str, str]) -> Any:
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

    types = {"string": StringType(), "int64": LongType(), "double": DoubleType()}
    return StructType([StructField(name, types[kind], True) for name, kind in columns.items()])


def write_table(spark: SparkSession, out: Path | str, name: str, rows: RDD[Any]) -> None:
    """Write ``(sort key, row)`` pairs as table ``name``.

    To a local or shared file system each task writes its partition as one Parquet file with
    pyarrow, rows sorted by key (no Spark SQL conversion: a table costs one job). To object
    storage (``s3a://`` ...) Spark's own writer is used, rows sorted by key across files.
    """
    columns = ALL_COLUMNS[name]
    target = f"{str(out).rstrip('/')}/{name}.parquet"
    if _is_remote(target):
        ordered = rows.sortByKey().map(lambda kv: tuple(kv[1].get(c) for c in columns))
        frame = spark.createDataFrame(ordered, _spark_schema(columns))
        frame.write.mode("overwrite").parquet(target)
        return
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    written = rows.mapPartitionsWithIndex(partial(_write_part, target, name)).sum()
    if written == 0 and not os.listdir(target):  # no partitions at all: keep the schema
        _write_part(target, name, 0, iter(()))


def _write_part(
    target: str, name: str, index: int, part: Iterable[tuple[Any, dict[str, Any]]]
) -> Iterator[int]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = ALL_COLUMNS[name]
    rows = [row for _key, row in sorted(part, key=lambda kv: kv[0])]
    schema = pa.schema([(column, pa.type_for_alias(t)) for column, t in columns.items()])
    table = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows], schema=schema)
    pq.write_table(table, os.path.join(target, f"part-{index:05d}.parquet"))
    yield len(rows)


def _is_remote(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def keyed(rows: Iterable[dict[str, Any]], *fields: str) -> list[tuple[Any, dict[str, Any]]]:
    """Rows with a sort key made of ``fields``."""
    return [(tuple(row[f] for f in fields), row) for row in rows]
