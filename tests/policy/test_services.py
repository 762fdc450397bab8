"""Installing pack versions and choosing the rules that govern a region (SPEC §4, §12.19)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cqo.audit.models import AuditEntry
from cqo.policy import selectors, services
from cqo.policy.models import Pack, PackVersion
from cqo.reference.models import Region
from tests.policy.conftest import SICHUAN_PACK

pytestmark = pytest.mark.django_db


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def chain(code: str, on: dt.date = dt.date(2026, 6, 1)) -> list[str]:
    return [
        f"{v.pack.slug}@{v.version}"
        for v in selectors.governing_for_region(region(code), on).versions
    ]


def test_it_installs_the_shipped_packs_with_the_database():
    assert set(Pack.objects.values_list("slug", flat=True)) == {
        "shaanxi-2021",
        "jiangsu-2020",
        "hangzhou-spec",
        "shenzhen-guide",
        "level-standard",
        "national-default",
    }
    assert Pack.objects.get(national_default=True).slug == "national-default"
    assert AuditEntry.objects.filter(target_type="pack_version").count() == 6


def test_loading_the_packs_again_changes_nothing():
    before = list(PackVersion.objects.values_list("pk", "sha256"))
    assert all(not item.created for item in services.load_all())
    assert list(PackVersion.objects.values_list("pk", "sha256")) == before


def test_a_pack_file_edited_in_place_is_refused_or_with_migrate_skipped_with_a_warning(
    tmp_path, caplog
):
    from cqo.policy.models import Pack as PackModel

    shipped = next(p for d in services.pack_dirs() for p in d.glob("hangzhou-spec.toml"))
    edited = tmp_path / "hangzhou-spec.toml"
    edited.write_text(shipped.read_text(encoding="utf-8") + "\n# edited in place\n", "utf-8")
    before = list(PackVersion.objects.values_list("pk", "sha256"))
    with pytest.raises(ValidationError, match="版本 2 已安装且内容不同"):
        services.load_files([edited])
    with caplog.at_level("WARNING", logger="cqo.policy.services"):
        assert services.load_files([edited], skip_changed=True) == []
    assert "hangzhou-spec: version 2 is installed with other content" in caplog.text
    assert list(PackVersion.objects.values_list("pk", "sha256")) == before
    assert PackModel.objects.filter(slug="hangzhou-spec").count() == 1


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("610113", ["shaanxi-2021@2021.3", "national-default@3"]),  # a county of Shaanxi
        ("610000", ["shaanxi-2021@2021.3", "national-default@3"]),
        ("320581", ["jiangsu-2020@2020.3", "national-default@3"]),  # 常熟市
        ("330106", ["hangzhou-spec@2", "national-default@3"]),  # a county of Hangzhou
        ("330206", ["national-default@3"]),  # 宁波北仑: Zhejiang has no provincial pack
        ("440305", ["shenzhen-guide@2", "national-default@3"]),
        ("440106", ["national-default@3"]),  # Guangzhou: no pack
    ],
)
def test_the_most_specific_pack_of_the_region_governs(code, expected):
    assert chain(code) == expected


def test_a_city_pack_takes_the_sections_it_lacks_from_broader_packs():
    gov = selectors.governing_for_region(region("330106"), dt.date(2026, 6, 1))
    assert gov.version.pack.slug == "hangzhou-spec"
    assert not gov.is_default
    # conditions are Hangzhou's own; the filing authority comes from the national default
    assert "hangzhou-spec" in gov.rules.conditions[0].clause
    assert gov.section_source("filing").pack.slug == "national-default"
    assert gov.rules.filing.authority == "county"


def test_a_region_without_a_pack_gets_the_labelled_national_default():
    gov = selectors.governing_for_region(region("440106"), dt.date(2026, 6, 1))
    assert gov.is_default
    assert "平台默认规则" in gov.label


def test_before_a_pack_takes_effect_the_default_governs():
    assert chain("610113", dt.date(2021, 8, 23)) == ["national-default@3"]
    assert chain("610113", dt.date(2021, 8, 24)) == ["shaanxi-2021@2021.3", "national-default@3"]


def test_a_fourth_province_is_a_data_file(personas):
    assert chain("510107") == ["national-default@3"]
    installed = services.pack_install(text=SICHUAN_PACK, actor=personas.admin)
    assert installed.created
    assert chain("510107") == ["sichuan-test@2024.1", "national-default@3"]
    entry = AuditEntry.objects.get(target_type="pack_version", target_id=str(installed.version.pk))
    assert entry.actor == personas.admin
    assert entry.changes["regions"] == [None, ["510000"]]


def test_an_edited_pack_is_a_new_version_from_a_date(personas):
    services.pack_install(text=SICHUAN_PACK, actor=personas.admin)
    same_version = SICHUAN_PACK.replace("years = 4", "years = 6")
    with pytest.raises(ValidationError) as exc:
        services.pack_install(text=same_version, actor=personas.admin)
    assert "新的版本号" in str(exc.value)
    earlier = same_version.replace('version = "2024.1"', 'version = "2025.1"').replace(
        "effective_from = 2024-01-01", "effective_from = 2023-06-01"
    )
    with pytest.raises(ValidationError) as exc:
        services.pack_install(text=earlier, actor=personas.admin)
    assert "生效日期" in str(exc.value)
    later = earlier.replace("effective_from = 2023-06-01", "effective_from = 2025-07-01")
    assert services.pack_install(text=later, actor=personas.admin).created
    assert chain("510107", dt.date(2025, 6, 30))[0] == "sichuan-test@2024.1"
    assert chain("510107", dt.date(2025, 7, 1))[0] == "sichuan-test@2025.1"
    # the same text again is a no-op
    assert not services.pack_install(text=later, actor=personas.admin).created


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('regions = ["510000"]', 'regions = ["519900"]'), "pack.regions: 519900"),
        (('severity = "advisory"', 'severity = "maybe"'), "conditions[1].severity"),
        (('clause = "sichuan-test §四"', ""), "filing.clause"),
        (("[filing]", "[filling]"), "filling"),
        (("years = 4 }", "years = 4"), "TOML"),
    ],
)
def test_a_bad_pack_is_refused_whole_with_the_path_of_each_problem(personas, change, problem):
    before = PackVersion.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.pack_install(text=SICHUAN_PACK.replace(*change), actor=personas.admin)
    assert any(problem in m for m in exc.value.message_dict["text"]), exc.value.message_dict
    assert PackVersion.objects.count() == before
    assert not Pack.objects.filter(slug="sichuan-test").exists()


def test_only_the_platform_admin_installs_packs(personas):
    from django.core.exceptions import PermissionDenied

    for user in (personas.province, personas.clerk_a, personas.cqo):
        with pytest.raises(PermissionDenied):
            services.pack_install(text=SICHUAN_PACK, actor=user)


def test_a_decision_keeps_the_versions_it_was_made_under(personas):
    services.pack_install(text=SICHUAN_PACK, actor=personas.admin)
    gov = selectors.governing_for_region(region("510107"), dt.date(2026, 6, 1))
    again = selectors.governing_from_ids(gov.version_ids())
    assert again.rules == gov.rules
    assert [v.pk for v in again.versions] == gov.version_ids()


def test_load_packs_installs_a_file_dropped_into_the_deployment_s_pack_dir(
    personas, settings, tmp_path
):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.CQO_POLICY_PACK_DIR = tmp_path
    (tmp_path / "sichuan.toml").write_text(SICHUAN_PACK, encoding="utf-8")
    out = io.StringIO()
    call_command("load_packs", stdout=out)
    assert "installed: sichuan-test 2024.1" in out.getvalue()
    assert chain("510107")[0] == "sichuan-test@2024.1"
    (tmp_path / "broken.toml").write_text(SICHUAN_PACK.replace("[filing]", "[filling]"))
    with pytest.raises(CommandError, match=r"broken\.toml: filling"):
        call_command("load_packs", str(tmp_path / "broken.toml"), stdout=io.StringIO())


def test_a_city_pack_with_its_own_conditions_drops_the_province_s_relaxations(personas):
    xian = SICHUAN_PACK.replace('id = "sichuan-test"', 'id = "xian-test"').replace(
        'regions = ["510000"]', 'regions = ["610100"]'
    )
    xian = xian[: xian.index("[[relaxations]]")] + xian[xian.index("[filing]") :]
    services.pack_install(text=xian, actor=personas.admin)
    gov = selectors.governing_for_region(region("610113"), dt.date(2026, 6, 1))
    assert [v.pack.slug for v in gov.versions] == ["xian-test", "shaanxi-2021", "national-default"]
    assert gov.rules.relaxations == []  # Shaanxi's relaxation names conditions Xi'an replaced
    assert (
        gov.rules.duties
        == selectors.governing_for_region(region("610302"), dt.date(2026, 6, 1)).rules.duties
    )  # inherited from the province


@pytest.mark.parametrize(
    ("today", "latest", "revises", "expected"),
    [
        # a revision of the installed version takes effect on the day it is installed
        (dt.date(2026, 12, 7), dt.date(2024, 1, 1), ["2024.1"], dt.date(2026, 12, 7)),
        # ... or the day after the latest installed version, if that is later
        (dt.date(2026, 12, 7), dt.date(2027, 3, 1), ["2025.1"], dt.date(2027, 3, 2)),
        # a revision of a version that is not installed is an ordinary new version: refused
        (dt.date(2026, 12, 7), dt.date(2024, 1, 1), ["2023.9"], None),
        (dt.date(2026, 12, 7), dt.date(2024, 1, 1), [], None),
    ],
)
def test_a_revised_pack_governs_from_the_day_it_reaches_an_installed_database(
    personas, monkeypatch, today, latest, revises, expected
):
    from cqo.lib import clock

    monkeypatch.setattr(clock, "today", lambda: today)
    services.pack_install(text=SICHUAN_PACK, actor=personas.admin)
    installed = "2024.1"
    if latest != dt.date(2024, 1, 1):  # a later version is installed too
        later = SICHUAN_PACK.replace('version = "2024.1"', 'version = "2025.1"').replace(
            "effective_from = 2024-01-01", f"effective_from = {latest.isoformat()}"
        )
        services.pack_install(text=later, actor=personas.admin)
        installed = "2025.1"
    revised = SICHUAN_PACK.replace(
        'version = "2024.1"', f'version = "2026.r"\nrevises = {revises!r}'.replace("'", '"')
    ).replace("years = 4", "years = 5")
    if expected is None:
        with pytest.raises(ValidationError, match="生效日期"):
            services.pack_install(text=revised, actor=personas.admin)
        return
    version = services.pack_install(text=revised, actor=personas.admin).version
    assert version.effective_from == expected
    # decisions before that day keep the version then in force; from it the revision governs
    assert chain("510107", expected - dt.timedelta(days=1))[0] == f"sichuan-test@{installed}"
    assert chain("510107", expected)[0] == "sichuan-test@2026.r"
    # loading the same file again changes nothing
    assert not services.pack_install(text=revised, actor=personas.admin).created


def test_on_a_fresh_database_a_revision_governs_from_its_own_date(personas):
    revised = SICHUAN_PACK.replace('version = "2024.1"', 'version = "2026.r"\nrevises = ["2024.1"]')
    version = services.pack_install(text=revised, actor=personas.admin).version
    assert version.effective_from == dt.date(2024, 1, 1)


def test_the_shipped_packs_revise_the_versions_installed_before_them():
    """Each shipped pack was read again against its document; a database that holds the
    earlier reading gets the new one on its next migrate."""
    for version in PackVersion.objects.select_related("pack"):
        assert version.content["pack"]["revises"], version.pack.slug
