"""storytrace on Apache Spark: the same stages, the same answers, past one machine.

``storytrace spark run`` (or ``spark-submit -m``-style ``python -m storytrace.spark run``)
reads JSONL, Parquet or WARC files, one task per file, and runs clean -> segment -> facts ->
reuse -> stories -> compare as Spark jobs whose tasks call the local stage functions; the
result is the export's tables as Parquet, which ``storytrace import`` loads into a store.

Modules, one step each: :mod:`.inputs` (reading), :mod:`.cleaning` (clean, segment, facts,
outlet line counts), :mod:`.reuse_job` (fingerprints, pairs, alignment, families),
:mod:`.components` (connected components without graphframes), :mod:`.stories_job`
(clustering blocks), :mod:`.compare_job`, :mod:`.tables` (Parquet output), :mod:`.job`
(the run), :mod:`.session`, :mod:`.cli`. pyspark is an optional extra and imported lazily.
"""
