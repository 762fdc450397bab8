"""Installing pack versions (SPEC §4): validate, refuse to change an installed version, audit.

A pack file is validated in full before anything is written (``schema.parse`` and the region
check below); installing is one transaction, so a bad pack leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.audit.services import audit_record
from cqo.lib import clock
from cqo.policy import schema
from cqo.policy.models import Pack, PackRegion, PackVersion
from cqo.reference.models import Region

log = logging.getLogger(__name__)

SHIPPED_DIR = Path(__file__).resolve().parent / "packs"
# The largest pack file (TOML) installed, uploaded or pasted: the shipped ones are under 40 KB.
PACK_TEXT_MAX = 512 * 1024


def pack_dirs() -> list[Path]:
    """The shipped packs, then the deployment's own (``CQO_POLICY_PACK_DIR``, default
    ``<data dir>/packs``), where an admin may drop a new province's file."""
    return [SHIPPED_DIR, Path(settings.CQO_POLICY_PACK_DIR)]


@dataclass(frozen=True)
class Installed:
    version: PackVersion
    created: bool


def check_regions(spec: schema.Pack) -> None:
    codes = spec.pack.regions
    known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    missing = [c for c in codes if c not in known]
    if missing:
        raise schema.PackError([f"pack.regions: {', '.join(missing)} " + _("不是现行行政区划代码")])


def _can_install(actor: Any) -> bool:
    return actor is None or getattr(actor, "is_platform_admin", False)


@transaction.atomic
def pack_install(*, text: str, actor: User | None = None) -> Installed:
    """Install one pack version from its TOML text. Installing the same text again is a no-op;
    a different text under an installed version number is refused (a changed pack is a new
    version). ``actor`` None is the system (migrations, ``load_packs``)."""
    if not _can_install(actor):
        raise PermissionDenied(_("只有系统管理员可以安装政策包"))
    spec = _parse_pack(text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    meta = spec.pack
    pack = _pack_for(meta)
    existing = _installed_version(pack, meta, digest)
    if existing is not None:
        return Installed(existing, False)
    effective = _effective_from(pack, meta)
    version = _version_create(
        pack=pack, spec=spec, text=text, digest=digest, actor=actor, effective=effective
    )
    _check_merges(meta, effective)
    audit_record(
        actor=actor,
        action="create",
        target_type="pack_version",
        target_id=str(version.pk),
        target_repr=str(version),
        changes={
            "version": [None, meta.version],
            "effective_from": [None, effective.isoformat()],
            "regions": [None, meta.regions],
            "sha256": [None, digest],
        },
    )
    return Installed(version, True)


def _parse_pack(text: str) -> schema.Pack:
    """The pack of a TOML text within its size limit, validated in full and naming only
    current regions."""
    if len(text) > PACK_TEXT_MAX:
        raise ValidationError({"text": _("政策包内容不应超过 %(n)d 个字符") % {"n": PACK_TEXT_MAX}})
    try:
        spec = schema.parse(text)
        check_regions(spec)
    except schema.PackError as exc:
        raise ValidationError({"text": exc.problems}) from exc
    return spec


def _pack_for(meta: schema.Meta) -> Pack:
    """The pack of this id, created on its first version; a later version may rename it but
    not change its kind or whether it is the national default."""
    pack, _created = Pack.objects.get_or_create(
        slug=meta.id,
        defaults={"name": meta.name, "kind": meta.kind, "national_default": meta.national_default},
    )
    if pack.kind != meta.kind or pack.national_default != meta.national_default:
        raise ValidationError(
            {"text": [_("pack.kind / pack.national_default 与已安装的同名政策包不一致")]}
        )
    return pack


def _installed_version(pack: Pack, meta: schema.Meta, digest: str) -> PackVersion | None:
    """The version already installed with this very text, None if the version is new; an
    installed version is never changed."""
    existing = PackVersion.objects.filter(pack=pack, version=meta.version).first()
    if existing is None or existing.sha256 == digest:
        return existing
    raise ValidationError(
        {
            "text": [
                _("版本 %(v)s 已安装且内容不同：修改后的政策包须使用新的版本号和生效日期")
                % {"v": meta.version}
            ]
        }
    )


def _effective_from(pack: Pack, meta: schema.Meta) -> dt.date:
    """The day a new version takes effect: its ``effective_from``, which must follow every
    installed version's. A revision of an installed version (``revises``) comes after them on
    the day it is installed (or the day after the latest, if that is later): decisions already
    made keep the version they were made under, and the corrected reading governs from now."""
    installed = PackVersion.objects.filter(pack=pack)
    latest = installed.order_by("-effective_from").values_list("effective_from", flat=True).first()
    if latest is None or meta.effective_from > latest:
        return meta.effective_from
    if meta.revises and installed.filter(version__in=meta.revises).exists():
        return max(clock.today(), latest + dt.timedelta(days=1))
    if latest is not None and meta.effective_from <= latest:
        raise ValidationError(
            {
                "text": [
                    _("新版本的生效日期须晚于该政策包已安装版本的生效日期（%(d)s）")
                    % {"d": latest.isoformat()}
                ]
            }
        )
    return meta.effective_from


def _version_create(
    *,
    pack: Pack,
    spec: schema.Pack,
    text: str,
    digest: str,
    actor: User | None,
    effective: dt.date,
) -> PackVersion:
    """The new version's row and its regions, the pack renamed as the version names it."""
    meta = spec.pack
    if pack.name != meta.name:
        pack.name = meta.name
        pack.save(update_fields=["name"])
    version = PackVersion.objects.create(
        pack=pack,
        version=meta.version,
        effective_from=effective,
        name=meta.name,
        source=meta.source,
        content=spec.model_dump(mode="json"),
        source_text=text,
        sha256=digest,
        created_by=actor,
    )
    PackRegion.objects.bulk_create(
        [PackRegion(version=version, region_id=code) for code in meta.regions]
    )
    return version


def _check_merges(meta: schema.Meta, effective: dt.date) -> None:
    """Every region this version touches must still get valid rules when the packs are merged
    (a city pack over its province, SPEC §12.19); otherwise the install is rolled back."""
    from django.db.models import Q

    from cqo.policy.selectors import governing_for_region

    if meta.national_default:
        scope = Q()
    else:
        scope = (
            Q(region_id__in=meta.regions)
            | Q(region__province_code__in=meta.regions)
            | Q(region__city_code__in=meta.regions)
        )
    codes = set(PackRegion.objects.filter(scope).values_list("region_id", flat=True))
    for region in Region.objects.filter(code__in=codes):
        try:
            governing_for_region(region, effective)
        except schema.PackError as exc:
            raise ValidationError(
                {
                    "text": [
                        _("与上级政策包合并后规则无效（%(region)s）：%(p)s")
                        % {"region": region.code, "p": p}
                        for p in exc.problems
                    ]
                }
            ) from exc
        except LookupError:
            continue


def load_files(paths: list[Path], *, skip_changed: bool = False) -> list[Installed]:
    """Install every given file, all or nothing, older versions first; files are UTF-8.

    A file whose version is installed with other content is refused (versions are immutable),
    or with ``skip_changed`` left out with a warning naming it: a ``migrate`` must not fail
    because a pack file was edited in place; the installed version stays in force until the
    edit is installed as a new version."""
    texts = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        try:
            spec = schema.parse(text)
        except schema.PackError as exc:
            raise ValidationError({"text": [f"{path.name}: {p}" for p in exc.problems]}) from exc
        if skip_changed and _changed(spec.pack.id, spec.pack.version, text):
            log.warning(
                "policy pack %s: version %s is installed with other content; %s was not "
                "installed. Give the edited file a new version and a later effective_from "
                "(cqo/policy/packs/README.md, Versions), then run manage.py load_packs.",
                spec.pack.id,
                spec.pack.version,
                path,
            )
            continue
        texts.append((spec.pack.effective_from, spec.pack.id, path, text))
    out = []
    with transaction.atomic():
        for _date, _id, path, text in sorted(texts):
            try:
                out.append(pack_install(text=text))
            except ValidationError as exc:
                problems = exc.message_dict.get("text", exc.messages)
                raise ValidationError({"text": [f"{path.name}: {p}" for p in problems]}) from exc
    return out


def _changed(pack_id: str, version: str, text: str) -> bool:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return (
        PackVersion.objects.filter(pack__slug=pack_id, version=version)
        .exclude(sha256=digest)
        .exists()
    )


def load_all(*, skip_changed: bool = False) -> list[Installed]:
    files = [p for d in pack_dirs() if d.is_dir() for p in d.glob("*.toml")]
    return load_files(files, skip_changed=skip_changed)
