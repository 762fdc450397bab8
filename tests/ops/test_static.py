"""Production's static storage: every reference between collected files resolves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.management import call_command

from cqo.ops.storage import StaticStorage


class Uncompressed(ManifestStaticFilesStorage):
    """StaticStorage's hashing and reference rewriting without WhiteNoise's compression,
    which takes minutes and cannot fail on a reference."""

    patterns = StaticStorage.patterns


def test_it_collects_static_files_with_every_reference_resolved(
    settings: Any, tmp_path: Path
) -> None:
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": f"{__name__}.Uncompressed"},
    }
    # a file naming a missing one would raise here (ValueError / MissingFileError)
    call_command("collectstatic", interactive=False, verbosity=0)
    paths = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    hashed = paths["vendor/bootstrap-5.3.8/bootstrap.bundle.min.js"]
    assert hashed != "vendor/bootstrap-5.3.8/bootstrap.bundle.min.js"
    assert (tmp_path / "static" / hashed).is_file()


def test_it_keeps_css_url_rewriting_and_drops_only_source_maps() -> None:
    rules = dict(StaticStorage.patterns)
    assert "*.js" not in rules
    assert any("url" in str(rule) for rule in rules["*.css"])
    assert not any("sourceMappingURL" in str(rule) for rule in rules["*.css"])
