"""Static files in production: WhiteNoise's compressed, hashed storage."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns: tuple) -> tuple:  # type: ignore[type-arg]
    kept = []
    for glob, rules in patterns:
        rules = tuple(r for r in rules if "sourceMappingURL" not in str(r))
        if rules:
            kept.append((glob, rules))
    return tuple(kept)


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed names, gzip and brotli copies; CSS url() and @import references rewritten to the
    hashed names. Source-map comments are left alone: the vendored minified files name maps
    that are not shipped (static/vendor/), which would otherwise fail collectstatic."""

    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
