"""Migrating a province's training certificates (培训合格证) printed before the platform: each
for a registered person in scope, its tier read by the name the governing pack gives it, its
number the natural key (unchanged, or a conflict never overwritten), a provenance row per
certificate, and the platform's own lookup and verification finding it as migrated."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from cqo.audit.models import AuditEntry
from cqo.imports.legacy import services as legacy
from cqo.imports.legacy import training as training_kind
from cqo.imports.legacy.models import LegacyFile, LegacyOrigin
from cqo.imports.legacy.selectors import legacy_origin
from cqo.registry import services as registry
from cqo.registry.models import Person
from cqo.test import COUNTY_B, PASSWORD, Personas, new_id_number, person_data
from cqo.training import selectors as training
from cqo.training import services as training_services
from cqo.training.models import TrainingCertificate
from tests.imports import legacy_files as files

HEADER = ["证书编号*", "姓名*", "身份证号*", "培训层级*", "发证机构*", "发证日期*", "有效期至"]
KIND = LegacyFile.Kind.TRAINING_CERTIFICATES
JIANGSU_COUNTY = "320581"  # 常熟市: jiangsu-2020 names a basic tier, shaanxi-2021 does not


@pytest.fixture
def reader_mode() -> str:
    """The migration reads every file in this process: no second run with the sliced reader."""
    return "whole"


def registered(personas: Personas, name: str, region: str) -> Person:
    """A person already migrated or registered, as the file's holders must be (born in Nanjing
    when registered in Jiangsu: 常熟's code is younger than the birth year the helper uses)."""
    born = "320102" if region.startswith("32") else region
    return registry.person_migrate(
        actor=personas.admin,
        details=registry.PersonDetails(
            **person_data(name=name, id_number=new_id_number(born), region=region)
        ),
        origin_note="测试",
    )


def row(person: Person, **overrides: Any) -> list[Any]:
    values = {
        "number": "SXPX-2019-0012",
        "name": person.name,
        "id_number": person.id_number,
        "tier": "高级培训",
        "issuer": "陕西省质量技术培训中心",
        "issued_on": "2019年11月20日",
        "valid_until": "",
    }
    values.update(overrides)
    return list(values.values())


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> Path:
    return files.write_xlsx(path, rows, header, sheet="培训合格证")


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    return files.write_csv(path, rows, HEADER, encoding=encoding)


def migrate(
    actor: Any,
    path: Path,
    *,
    dry_run: bool = False,
    mode: str = LegacyFile.Mode.ALL_OR_NOTHING,
) -> LegacyFile:
    return files.migrate(actor, path, kind=KIND, dry_run=dry_run, mode=mode)


report_rows = files.report_rows


def why(lf: LegacyFile) -> str:
    return f"{lf.message} {report_rows(lf)[1:] if lf.error_report else ''}"


def counts(created: int = 0, unchanged: int = 0, conflicts: int = 0, errors: int = 0) -> dict:
    return {"created": created, "unchanged": unchanged, "conflicts": conflicts, "errors": errors}


# Reading the file ------------------------------------------------------------------------------


def test_it_migrates_the_certificates_of_an_xlsx(personas: Personas, tmp_path: Path) -> None:
    other = registered(personas, "刘芳", COUNTY_B)
    path = write_xlsx(
        tmp_path / "陕西培训合格证.xlsx",
        [
            row(personas.person),
            row(
                other,
                number="sxpx 2020 0007",
                tier="“提升”培训",
                issuer="西安市市场监督管理局",
                issued_on="2020.6.1",
                valid_until="2023-05-31",
            ),
        ],
    )

    lf = migrate(personas.province, path)

    assert lf.status == LegacyFile.Status.DONE, why(lf)
    assert lf.counts == counts(created=2)
    first = TrainingCertificate.objects.get(number="SXPX-2019-0012")
    assert first.holder == personas.person
    assert (first.tier, first.issuer_name) == ("advanced", "陕西省质量技术培训中心")
    assert (first.issued_on, first.valid_until) == (dt.date(2019, 11, 20), None)
    assert first.migrated and first.enrolment is None and first.course is None
    assert first.issuer is None and first.issuer_kind == ""
    assert first.content["tier_name"] == "“高级”培训"
    assert "历史数据迁移" in first.content["origin"]
    assert training.content_intact(first)
    second = TrainingCertificate.objects.get(number="SXPX20200007")
    assert (second.tier, second.valid_until) == ("enhancement", dt.date(2023, 5, 31))
    assert second.content["valid_until"] == "2023-05-31"


def test_it_reads_older_headers(personas: Personas, tmp_path: Path) -> None:
    header = ["合格证编号", "持证人姓名", "身份证号码", "培训类别", "颁发机构", "颁发日期"]
    path = write_xlsx(tmp_path / "旧表头.xlsx", [row(personas.person)[:6]], header=header)

    lf = migrate(personas.province, path)

    assert lf.counts == counts(created=1), why(lf)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_it_reads_csv_in_utf8_and_gb18030(
    personas: Personas, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "培训合格证.csv", [row(personas.person)], encoding=encoding)

    lf = migrate(personas.province, path)

    assert lf.counts == counts(created=1), why(lf)
    assert TrainingCertificate.objects.get(number="SXPX-2019-0012").issuer_name == (
        "陕西省质量技术培训中心"
    )


def test_it_maps_tiers_through_the_pack_of_the_holders_region(
    personas: Personas, tmp_path: Path
) -> None:
    suzhou = registered(personas, "苏州人", JIANGSU_COUNTY)
    path = write_xlsx(
        tmp_path / "层级.xlsx",
        [
            row(personas.person, number="SX-0001", tier="基础培训"),  # shaanxi-2021 has none
            row(suzhou, number="JS-0001", tier="基础培训", issuer="常熟市市场监督管理局"),
            row(personas.person, number="SX-0002", tier="其他"),
        ],
    )

    lf = migrate(personas.admin, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=2, errors=1), why(lf)
    assert TrainingCertificate.objects.get(number="JS-0001").tier == "basic"
    assert TrainingCertificate.objects.get(number="SX-0002").tier == ""
    [_head, line] = report_rows(lf)
    assert line[:3] == [2.0, "培训层级", "基础培训"]
    assert "“高级”培训" in line[3] and "“提升”培训" in line[3] and "其他" in line[3]


# Errors ----------------------------------------------------------------------------------------


def test_it_reports_each_bad_cell(personas: Personas, tmp_path: Path) -> None:
    p = personas.person
    path = write_xlsx(
        tmp_path / "错误.xlsx",
        [
            row(p, number="", issued_on=""),
            row(p, number="X-1", id_number="610113198503140000"),
            row(p, number="陕培字第12号"),
            row(p, number="X-3", issued_on="2019年13月1日"),
            row(p, number="X-4", valid_until="2019-01-01"),
            row(p, number="X-5", issuer=""),
            row(p, number="PX610113202500001"),  # the platform's own shape
            row(p, number="X-7", issued_on="2011-12-31"),
        ],
    )

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(errors=8), why(lf)
    cells = {(int(r[0]), r[1]): r[3] for r in report_rows(lf)[1:]}
    assert "请填写证书编号" in cells[(2, "证书编号")]
    assert "请填写发证日期" in cells[(2, "发证日期")]
    assert (3, "身份证号") in cells
    assert "字母、数字或连字符" in cells[(4, "证书编号")]
    assert (5, "发证日期") in cells
    assert "不能早于发证日期" in cells[(6, "有效期至")]
    assert "请填写发证机构" in cells[(7, "发证机构")]
    assert "格式相同" in cells[(8, "证书编号")]
    assert (9, "发证日期") in cells
    assert not TrainingCertificate.objects.exists()


def test_a_certificate_of_an_unregistered_person_asks_to_migrate_the_person_first(
    personas: Personas, tmp_path: Path
) -> None:
    stranger = Person(name="未登记", id_number=new_id_number())
    path = write_xlsx(tmp_path / "未登记.xlsx", [row(stranger)])

    lf = migrate(personas.province, path)

    assert lf.counts == counts(errors=1)
    [_head, line] = report_rows(lf)
    assert line[1] == "身份证号" and "请先迁移人员数据" in line[3]


def test_a_holder_outside_the_scope_is_refused_without_details(
    personas: Personas, tmp_path: Path
) -> None:
    suzhou = registered(personas, "苏州人", JIANGSU_COUNTY)
    path = write_xlsx(tmp_path / "辖区外.xlsx", [row(suzhou, tier="基础培训")])

    lf = migrate(personas.province, path)

    assert lf.counts == counts(errors=1)
    rule = report_rows(lf)[1][3]
    assert "不在您的辖区内" in rule
    assert not TrainingCertificate.objects.exists()


# Conflicts and re-runs -------------------------------------------------------------------------


def test_a_name_other_than_the_registered_one_is_a_conflict(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "姓名.xlsx", [row(personas.person, name="王冒名")])

    lf = migrate(personas.province, path)

    assert lf.counts == counts(conflicts=1)
    [_head, line] = report_rows(lf)
    assert line[:3] == [2.0, "姓名", "王冒名"]
    assert "李堃" in line[3] and "王冒名" in line[3]
    assert not TrainingCertificate.objects.exists()


def test_running_the_same_file_again_changes_nothing(personas: Personas, tmp_path: Path) -> None:
    other = registered(personas, "刘芳", COUNTY_B)
    path = write_xlsx(
        tmp_path / "重复.xlsx",
        [row(personas.person), row(other, number="SX-2", valid_until="2030-1-1")],
    )
    first = migrate(personas.province, path)
    before = (TrainingCertificate.objects.count(), LegacyOrigin.objects.count())

    again = migrate(personas.province, path)

    assert first.counts == counts(created=2), why(first)
    assert again.counts == counts(unchanged=2), why(again)
    assert (TrainingCertificate.objects.count(), LegacyOrigin.objects.count()) == before


@pytest.mark.parametrize(
    ("change", "column", "recorded"),
    [
        ({"issued_on": "2019-11-21"}, "发证日期", "2019-11-20"),
        ({"tier": "提升培训"}, "培训层级", "“高级”培训"),
        ({"issuer": "西安市质量培训中心"}, "发证机构", "陕西省质量技术培训中心"),
        ({"valid_until": "2025-01-01"}, "有效期至", "—"),
    ],
)
def test_a_recorded_number_with_other_content_is_a_conflict_never_overwritten(
    personas: Personas, tmp_path: Path, change: dict[str, str], column: str, recorded: str
) -> None:
    migrate(personas.province, write_xlsx(tmp_path / "原.xlsx", [row(personas.person)]))
    before = TrainingCertificate.objects.values().get()

    lf = migrate(
        personas.province, write_xlsx(tmp_path / "改.xlsx", [row(personas.person, **change)])
    )

    assert lf.counts == counts(conflicts=1), why(lf)
    [_head, line] = report_rows(lf)
    assert line[1] == column
    assert recorded in line[3] and "未覆盖" in line[3]
    assert TrainingCertificate.objects.values().get() == before


def test_a_recorded_number_of_another_holder_is_a_conflict_naming_both(
    personas: Personas, tmp_path: Path
) -> None:
    other = registered(personas, "刘芳", COUNTY_B)
    migrate(personas.province, write_xlsx(tmp_path / "原.xlsx", [row(personas.person)]))

    lf = migrate(personas.province, write_xlsx(tmp_path / "他人.xlsx", [row(other)]))

    assert lf.counts == counts(conflicts=1)
    [_head, line] = report_rows(lf)
    assert line[1] == "证书编号" and "李堃" in line[3] and "未覆盖" in line[3]
    assert TrainingCertificate.objects.get(number="SXPX-2019-0012").holder == personas.person


def test_a_number_repeated_in_the_file_is_a_conflict(personas: Personas, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "文件内重复.xlsx",
        [row(personas.person), row(personas.person, number="SX-2"), row(personas.person)],
    )

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=2, conflicts=1)
    [_head, line] = report_rows(lf)
    assert line[0] == 4.0 and "与第2行相同" in line[3]


# Dry run, modes, provenance --------------------------------------------------------------------


def test_a_dry_run_writes_nothing_and_reports_the_counts(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "试运行.xlsx",
        [row(personas.person), row(personas.person, number="SX-2", issuer="")],
    )

    lf = migrate(personas.province, path, dry_run=True, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=1, errors=1)
    assert not TrainingCertificate.objects.exists()
    assert not LegacyOrigin.objects.exists()
    assert not AuditEntry.objects.filter(target_type="training_certificate").exists()


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "全部.xlsx",
        [row(personas.person), row(personas.person, number="SX-2", tier="特级培训")],
    )

    lf = migrate(personas.province, path)

    assert lf.counts == counts(errors=1)
    assert not TrainingCertificate.objects.exists()
    assert not LegacyOrigin.objects.exists()


def test_good_rows_writes_only_the_good_rows(personas: Personas, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "部分.xlsx",
        [
            row(personas.person),
            row(personas.person, number="SX-2", tier="特级培训"),
            row(personas.person, number="SX-3"),
        ],
    )

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=2, errors=1)
    assert set(TrainingCertificate.objects.values_list("number", flat=True)) == {
        "SXPX-2019-0012",
        "SX-3",
    }
    assert sorted(LegacyOrigin.objects.values_list("row", flat=True)) == [2, 4]


def test_each_certificate_keeps_its_file_and_row_and_is_audited_as_migrated(
    personas: Personas, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "来源.xlsx", [row(personas.person)])

    lf = migrate(personas.province, path)

    cert = TrainingCertificate.objects.get()
    found = legacy_origin(target_type="training_certificate", target_id=str(cert.public_id))
    assert found is not None and (found.file, found.row) == (lf, 2)
    entry = AuditEntry.objects.get(
        target_type="training_certificate", target_id=str(cert.public_id)
    )
    assert entry.actor_id == personas.province.pk
    assert entry.note == "历史数据迁移：来源.xlsx 第2行"
    assert AuditEntry.objects.filter(target_type="legacy_file").count() == 1


def test_a_file_costs_the_same_statements_whatever_its_length(
    personas: Personas, tmp_path: Path
) -> None:
    """The holders, the recorded numbers, the certificates, their audit entries and their
    origins are read and written once per batch of rows, the pack governing a region once per
    file: a file of thirty rows costs no more statements than one of ten."""
    holders = [registered(personas, f"持证人{chr(0x4E00 + i)}", COUNTY_B) for i in range(30)]

    def queries(name: str, people: list[Person]) -> int:
        rows = [row(h, number=f"{name}-{i:04d}") for i, h in enumerate(people)]
        path = write_xlsx(tmp_path / f"{name}.xlsx", rows)
        with CaptureQueriesContext(connection) as captured:
            lf = migrate(personas.province, path)
        assert lf.counts == counts(created=len(people)), why(lf)
        return len(captured.captured_queries)

    queries("FIRST", holders[:1])  # what the process keeps for good (the governing pack)

    assert queries("SHORT", holders[:10]) == queries("LONG", holders)


def test_rows_are_reported_in_file_order_across_batches(
    personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(training_kind, "BATCH", 3)
    p = personas.person
    rows = [row(p, number=f"SX-{i:04d}") for i in range(10)]
    rows[1][3] = "特级培训"  # row 3: a tier the governing pack does not name
    rows[2][0] = "PX610113202500001"  # row 4: refused by the service, its batch written without it
    rows[4][0] = "SX-0000"  # row 6: the number of row 2
    rows[6][1] = "王冒名"  # row 8: compared with the registry in its batch
    rows[8][5] = ""  # row 10: read on its own
    path = write_xlsx(tmp_path / "分批.xlsx", rows)

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=5, conflicts=2, errors=3), why(lf)
    assert [int(r[0]) for r in report_rows(lf)[1:]] == [3, 4, 6, 8, 10]
    assert sorted(LegacyOrigin.objects.values_list("row", flat=True)) == [2, 5, 7, 9, 11]
    assert TrainingCertificate.objects.count() == 5


def test_a_number_recorded_meanwhile_by_another_migration_is_reported_on_its_row(
    personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another migration records a number of the batch after the batch was compared with the
    registry (here: just before each of the batch's first two writes): its row is an error, the
    others are written."""
    other = registered(personas, "刘芳", COUNTY_B)
    batch_write = training_services.certificates_migrate
    meanwhile = iter(["SX-0001", "SX-0003"])

    def racing(**kwargs: Any) -> list[TrainingCertificate]:
        number = next(meanwhile, None)
        if number is not None:
            late = certificate_terms(other, number=number)
            training_services.certificate_migrate(actor=personas.admin, terms=late, origin_note="")
        return batch_write(**kwargs)

    monkeypatch.setattr(training_services, "certificates_migrate", racing)
    path = write_xlsx(
        tmp_path / "并发.xlsx", [row(personas.person, number=f"SX-{i:04d}") for i in range(5)]
    )

    lf = migrate(personas.province, path, mode=LegacyFile.Mode.GOOD_ROWS)

    assert lf.counts == counts(created=3, errors=2), why(lf)
    assert [(int(r[0]), r[1], r[3]) for r in report_rows(lf)[1:]] == [
        (3, "证书编号", "证书编号已存在"),
        (5, "证书编号", "证书编号已存在"),
    ]
    assert sorted(LegacyOrigin.objects.values_list("row", flat=True)) == [2, 4, 6]


# The platform's lookup and verification --------------------------------------------------------


def test_the_public_verification_finds_a_migrated_certificate(
    personas: Personas, tmp_path: Path, client: Client
) -> None:
    migrate(personas.province, write_xlsx(tmp_path / "查验.xlsx", [row(personas.person)]))

    response = client.get(reverse("training:verify", args=["sxpx-2019-0012"]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "该证书真实有效" in page and "李堃" in page and "陕西省质量技术培训中心" in page
    assert "历史数据迁移" in page
    assert personas.person.id_number not in page


def test_the_public_api_verifies_a_migrated_number_and_still_checks_the_platforms(
    personas: Personas, tmp_path: Path, client: Client
) -> None:
    migrate(personas.province, write_xlsx(tmp_path / "接口.xlsx", [row(personas.person)]))
    api = "/api/v1/public/training-certificates"

    found = client.get(f"{api}/SXPX-2019-0012")

    assert found.status_code == 200
    assert found.json()["number"] == "SXPX-2019-0012" and found.json()["status"] == "valid"
    assert personas.person.id_number not in found.content.decode()
    assert client.get(f"{api}/SXPX-2019-9999").status_code == 404
    # a platform number with a mistyped check character is refused, not merely not found
    assert client.get(f"{api}/PX610113202600001-MXV96E").status_code == 422
    assert client.get(f"{api}/SX").status_code == 422


def test_regulators_of_the_holders_region_find_it_and_no_platform_pdf_is_offered(
    personas: Personas, tmp_path: Path, client: Client
) -> None:
    migrate(personas.province, write_xlsx(tmp_path / "详情.xlsx", [row(personas.person)]))
    client.login(username="county_a", password=PASSWORD)

    listing = client.get(reverse("training:certificate_list"))
    detail = client.get(reverse("training:certificate_detail", args=["SXPX-2019-0012"]))
    pdf = client.get(reverse("training:certificate_pdf", args=["SXPX-2019-0012"]))

    assert "SXPX-2019-0012" in listing.content.decode()
    assert detail.status_code == 200 and "btn-pdf" not in detail.content.decode()
    assert pdf.status_code == 404
    client.login(username="county_b", password=PASSWORD)
    assert "SXPX-2019-0012" not in client.get(reverse("training:certificate_list")).content.decode()
    page = client.get(reverse("training:certificate_detail", args=["SXPX-2019-0012"]))
    assert page.status_code == 404


def test_the_holder_sees_it_among_their_certificates(
    personas: Personas, tmp_path: Path, client: Client
) -> None:
    migrate(personas.province, write_xlsx(tmp_path / "本人.xlsx", [row(personas.person)]))
    client.login(username="cqo", password=PASSWORD)

    page = client.get(reverse("training:my_training")).content.decode()

    assert "SXPX-2019-0012" in page and "历史数据迁移" in page


def test_a_migrated_certificate_counts_for_eligibility_until_its_printed_validity_ends(
    personas: Personas, tmp_path: Path
) -> None:
    other = registered(personas, "刘芳", COUNTY_B)
    path = write_xlsx(
        tmp_path / "资格.xlsx",
        [row(personas.person), row(other, number="SX-2", valid_until="2020-12-31")],
    )
    migrate(personas.province, path)

    assert training.holds_training_certificate(personas.person.pk)
    assert not training.holds_training_certificate(other.pk)


def test_a_regulator_may_revoke_a_migrated_certificate(personas: Personas, tmp_path: Path) -> None:
    migrate(personas.province, write_xlsx(tmp_path / "撤销.xlsx", [row(personas.person)]))
    cert = TrainingCertificate.objects.get()
    assert not training.can_revoke(personas.county_b, cert)

    training_services.certificate_revoke(actor=personas.county_a, cert=cert, reason="原证书系伪造")

    cert.refresh_from_db()
    assert cert.status == TrainingCertificate.Status.REVOKED


def certificate_terms(holder: Person, **overrides: Any) -> training_services.MigratedCertificate:
    values: dict[str, Any] = {
        "number": "SX-1",
        "holder": holder,
        "tier": "advanced",
        "issuer_name": "陕西省质量技术培训中心",
        "issued_on": dt.date(2019, 11, 20),
    }
    values.update(overrides)
    return training_services.MigratedCertificate(**values)


def test_the_service_refuses_a_number_already_recorded(personas: Personas) -> None:
    terms = training_services.MigratedCertificate(
        number="SX-1",
        holder=personas.person,
        tier="advanced",
        issuer_name="陕西省质量技术培训中心",
        issued_on=dt.date(2019, 11, 20),
    )
    training_services.certificate_migrate(actor=personas.province, terms=terms, origin_note="")

    with pytest.raises(ValidationError) as caught:
        training_services.certificate_migrate(actor=personas.province, terms=terms, origin_note="")

    assert caught.value.message_dict == {"number": ["证书编号已存在"]}


def test_the_batch_service_writes_none_when_it_refuses_one(personas: Personas) -> None:
    p = personas.person
    items = [
        (certificate_terms(p, number="SX-1"), "第2行"),
        (certificate_terms(p, number="SX-2"), "第3行"),
        (certificate_terms(p, number="SX-1"), "第4行"),  # the batch gave it already
    ]

    with pytest.raises(ValidationError) as caught:
        training_services.certificates_migrate(actor=personas.province, items=items)

    assert caught.value.message_dict == {"number": ["证书编号已存在"]}
    assert not TrainingCertificate.objects.exists()
    assert training_services.migrated_certificate_problems(
        actor=personas.province, terms=[t for t, _note in items]
    ) == [{}, {}, {"number": ["证书编号已存在"]}]
    written = training_services.certificates_migrate(actor=personas.province, items=items[:2])
    assert [c.number for c in written] == ["SX-1", "SX-2"]
    assert [c.pk for c in written] == list(
        TrainingCertificate.objects.order_by("pk").values_list("pk", flat=True)
    )
    assert all(training.content_intact(c) for c in TrainingCertificate.objects.all())
    notes = AuditEntry.objects.filter(target_type="training_certificate").order_by("pk")
    assert [(e.target_id, e.note) for e in notes] == [
        (str(c.public_id), note) for c, (_t, note) in zip(written, items[:2], strict=True)
    ]


# The template and the command ------------------------------------------------------------------


def test_the_template_explains_each_column(personas: Personas) -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(legacy.legacy_template(KIND)))

    assert book.sheet_names == ["培训合格证", "填写说明"]
    assert book.get_sheet_by_name("培训合格证").to_python()[0] == HEADER


def test_the_command_migrates_a_file(personas: Personas, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "命令.xlsx", [row(personas.person)])
    out = io.StringIO()

    call_command(
        "migrate_legacy",
        "training_certificates",
        str(path),
        "--user",
        "prov",
        stdout=out,
        stderr=io.StringIO(),
    )

    assert "created 1, unchanged 0, conflicts 0, errors 0" in out.getvalue()
    assert LegacyOrigin.objects.get().target_type == "training_certificate"
