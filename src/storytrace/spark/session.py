"""The SparkSession for a run: the master the user names, workers on this Python."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def spark_session(master: str | None = None, app_name: str = "storytrace") -> SparkSession:
    """The active session, or a new one on ``master`` (``local[*]`` when none is given and
    ``spark-submit`` set none).

    In local mode the Python workers run this interpreter, so they import the same storytrace.
    On a cluster, ship storytrace with ``--py-files`` or install its wheel (docs/spark.md).
    """
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    conf = SparkConf()  # under spark-submit this already holds its --master
    if master:
        conf.setMaster(master)
    elif not conf.contains("spark.master"):
        conf.setMaster("local[*]")
    if conf.get("spark.master", "").startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        # In local mode the driver's JVM is the executor too, and Spark's default heap (1 GiB)
        # cannot hold the records of a large copy network (one connected component's links
        # and families cross from Python as one record): 100,000 generated articles ran out.
        conf.setIfMissing("spark.driver.memory", local_driver_memory())
    conf.setAppName(app_name)
    conf.setIfMissing("spark.ui.showConsoleProgress", "false")
    conf.setIfMissing("spark.ui.enabled", "false")
    return SparkSession.builder.config(conf=conf).getOrCreate()


def local_driver_memory() -> str:
    """Half of this machine's memory, at least 1 GiB and at most 8 GiB, as a JVM size."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not POSIX: Spark's own default
        return "1g"
    gib = min(max(total // 2 // (1 << 30), 1), 8)
    return f"{gib}g"
