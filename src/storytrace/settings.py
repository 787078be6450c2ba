"""One frozen Settings object, a section per stage, passed whole to the pipeline.

Each stage owns its section's class (the stage module defines it next to the code it tunes);
this module only puts them together and reads an optional TOML file, so that a run's settings
can be stored with its results and the CLI never threads keyword arguments through ten calls.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clean import ALGORITHM as CLEAN_ALGORITHM
from .clean import CleanSettings
from .cluster import ALGORITHM as CLUSTER_ALGORITHM
from .cluster import ClusterSettings
from .compare import ALGORITHM as COMPARE_ALGORITHM
from .compare import CompareSettings
from .errors import StorytraceError
from .facts import ALGORITHM as FACTS_ALGORITHM
from .facts import FactsSettings
from .ingest.limits import IngestSettings
from .reuse import ReuseSettings

# Versioned algorithm names stored with every run, so results can be traced to the code.
ALGORITHMS: dict[str, str] = {
    "clean": CLEAN_ALGORITHM,
    "segment": "segment.pysbd.v2",
    "facts": FACTS_ALGORITHM,
    "reuse": "reuse.winnow.v2",
    "cluster": CLUSTER_ALGORITHM,
    "compare": COMPARE_ALGORITHM,
}


@dataclass(frozen=True, slots=True)
class PipelineSettings:
    """How the pipeline batches work between commits, and how many processes analyse it."""

    batch_size: int = 200
    # Processes that clean, segment and extract facts (the per-article work, most of a run's
    # time): 0 = one per CPU core available (at most 16), 1 = none besides the main one
    # (always so outside Linux, where workers are forked). The answer is the same for any
    # number.
    workers: int = 0
    # Starting the processes costs about a second; fewer articles than this are analysed in
    # the main process.
    parallel_min_articles: int = 400


@dataclass(frozen=True, slots=True)
class Settings:
    pipeline: PipelineSettings = field(default_factory=PipelineSettings)
    # Limits on input (file, gzip, line, WARC record, HTML depth): storytrace.ingest.limits.
    ingest: IngestSettings = field(default_factory=IngestSettings)
    clean: CleanSettings = field(default_factory=CleanSettings)
    facts: FactsSettings = field(default_factory=FactsSettings)
    reuse: ReuseSettings = field(default_factory=ReuseSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)
    compare: CompareSettings = field(default_factory=CompareSettings)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def load_settings(path: Path | None) -> Settings:
    """Settings from a TOML file with one table per section; unknown keys are an error."""
    if path is None:
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise StorytraceError(f"{path}: cannot read settings: {exc}") from exc
    defaults = Settings()
    sections: dict[str, Any] = {}
    for name, values in data.items():
        if not hasattr(defaults, name) or not isinstance(values, dict):
            raise StorytraceError(f"{path}: unknown settings section [{name}]")
        section = getattr(defaults, name)
        known = {f.name for f in dataclasses.fields(section)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise StorytraceError(f"{path}: unknown key(s) in [{name}]: {', '.join(unknown)}")
        try:
            sections[name] = dataclasses.replace(section, **values)
        except (TypeError, ValueError) as exc:  # a section that checks its values said no
            raise StorytraceError(f"{path}: [{name}]: {exc}") from exc
    return dataclasses.replace(defaults, **sections)
