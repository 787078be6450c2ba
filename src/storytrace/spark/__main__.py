"""``python -m storytrace.spark run INPUT... --out DIR``, and the file ``spark-submit`` runs.

The import is absolute because spark-submit runs this file as a script, not as a module.
"""

from storytrace.spark.cli import spark_app

if __name__ == "__main__":
    spark_app(prog_name="storytrace.spark")
