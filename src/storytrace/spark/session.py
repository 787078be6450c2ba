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

    if master is None or master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    conf = SparkConf()  # under spark-submit this already holds its --master
    if master:
        conf.setMaster(master)
    elif not conf.contains("spark.master"):
        conf.setMaster("local[*]")
    conf.setAppName(app_name)
    conf.setIfMissing("spark.ui.showConsoleProgress", "false")
    conf.setIfMissing("spark.ui.enabled", "false")
    return SparkSession.builder.config(conf=conf).getOrCreate()
