"""Settings: TOML sections per stage; unknown keys are errors, not silently ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace.errors import StorytraceError
from storytrace.settings import Settings, load_settings


def test_defaults_without_a_file() -> None:
    assert load_settings(None) == Settings()


def test_a_section_overrides_its_fields(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("[pipeline]\nbatch_size = 7\n", "utf-8")
    assert load_settings(path).pipeline.batch_size == 7


@pytest.mark.parametrize(
    "content, message",
    [
        ("[nope]\nx = 1\n", "unknown settings section"),
        ("[pipeline]\nbatch = 1\n", "unknown key"),
        ("[pipeline\n", "cannot read settings"),
    ],
)
def test_bad_settings_name_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(content, "utf-8")
    with pytest.raises(StorytraceError, match=message) as info:
        load_settings(path)
    assert str(path) in str(info.value)
