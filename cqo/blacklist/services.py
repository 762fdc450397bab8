"""Writes of the warning and exit listings and their appeals (shaanxi-2021 §五(三), jiangsu-2020
§七: 对因责任心不强、履职不到位，造成重大质量安全事故的，应建立"黑名单"警示和退出机制).

Each state change is one function under a transaction: it checks permission and state,
validates (every rejection a ``ValidationError`` keyed by its field, nothing saved), saves and
records the audit entry. Pages, the API and ``manage.py blacklist_activate`` call these.

Effects (SPEC §12.15): an exit listing in force ends the person's filed appointments through
``cqo.registry.services.appointments_end_for_exit`` (which audits each) — at once when it starts
on or before the day it is issued, otherwise on its start date through
``activate_due_listings``. A warning has no such effect. Revoking a listing does not bring an
ended appointment back: the enterprise files the person again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.audit.services import audit_record, diff, snapshot
from cqo.blacklist import hooks, notices, rules, selectors
from cqo.blacklist.models import Appeal, Listing
from cqo.lib import bounds, clock, dates, uploads
from cqo.lib.errors import Errors
from cqo.reference import validators
from cqo.reference.models import Region
from cqo.registry.models import Appointment, Person
from cqo.registry.selectors import NO_SUCH_PERSON, person_by_identity
from cqo.registry.services import appointments_end_for_exit

log = logging.getLogger(__name__)


LISTING_FIELDS = [
    "person",
    "kind",
    "ground",
    "reason",
    "accident",
    "accident_date",
    "evidence",
    "region",
    "authority_name",
    "start_date",
    "end_date",
    "public",
]
APPEAL_FIELDS = ["grounds", "attachment", "status"]


def _clean(value: str | None) -> str:
    return "" if value is None else value.replace("\x00", "").strip()


def _long_text(
    errors: Errors, field: str, value: str, minimum: int, message: str, *, limit: int, label: Any
) -> str:
    if len(value) < minimum:
        errors.add(field, message)
    elif len(value) > limit:
        errors.add(field, bounds.too_long_message(label, limit, len(value)))
    return value


def _bounded(model: type[Any], name: str) -> dict[str, Any]:
    """The limit and label of ``model.name`` for ``_long_text``."""
    return {
        "limit": bounds.max_length(model, name),
        "label": model._meta.get_field(name).verbose_name,
    }


def _date(errors: Errors, field: str, value: Any, *, required: bool) -> dt.date | None:
    """A listing's date, parsed and within the range of its kind (cqo/lib/dates.py): a listing
    dated 0001-01-01 or 9999-12-31 is a typing error, not a record."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if value in (None, ""):
        if required:
            errors.add(field, _("请填写日期"))
        return None
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            errors.add(field, _("日期格式应为 YYYY-MM-DD"))
            return None
    model_field = Listing._meta.get_field(field)
    bound = dates.range_of(model_field)
    label = getattr(model_field, "verbose_name", field)
    if bound is not None and (message := bound.error(value, label)):
        errors.add(field, message)
        return None
    return cast(dt.date, value)


def _file(errors: Errors, field: str, value: Any) -> UploadedFile[bytes] | None:
    if not value:
        return None
    if not isinstance(value, UploadedFile):
        errors.add(field, _("请上传文件"))
        return None
    # type by content, size (CQO_UPLOAD_MAX_DOCUMENT_BYTES), image dimensions
    try:
        uploads.check_document(value)
    except ValidationError as exc:
        errors.add(field, exc)
        return None
    return value


def _audit(
    actor: User | None,
    target: Listing | Appeal,
    action: str,
    changes: dict[str, Any],
    note: str = "",
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type=selectors.LISTING if isinstance(target, Listing) else selectors.APPEAL,
        target_id=str(target.public_id),
        target_repr=str(target),
        changes=changes,
        note=note,
    )


# Issuing --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ListingTerms:
    """What a regulator states when listing a person (shaanxi-2021 §五(三), SPEC §8)."""

    kind: str  # Listing.Kind
    reason: str
    start_date: dt.date | None
    end_date: dt.date | None = None
    # what happened, when, and the evidence: required for both kinds (_accident_facts)
    accident: str = ""
    accident_date: dt.date | None = None
    ground: str = "accident"  # Listing.Ground: the documents give one
    authority_name: str = ""  # default: the bureau of the issuing region
    region: str = ""  # the platform admin names the issuing region (default: the person's)
    public: bool = False
    evidence: UploadedFile[bytes] | None = None
    # the person, when the caller has not already found them in its scope
    id_number: str = ""
    person_name: str = ""
    # the page shows which appointments an exit in force ends and asks the issuer to confirm;
    # the API's caller states the listing deliberately (True)
    effects_confirmed: bool = True


def _find_person(errors: Errors, actor: User, terms: ListingTerms) -> Person | None:
    """By ID number and name, as the clerk finds a person to appoint (keyed hash lookup)."""
    id_number = _clean(terms.id_number)
    name = _clean(terms.person_name)
    if not id_number:
        errors.add("id_number", _("请填写身份证号"))
        return None
    try:
        facts = validators.validate_id_number(id_number)
    except ValidationError as exc:
        errors.add("id_number", exc)
        return None
    among = None if actor.is_platform_admin else access.person_q(actor)
    person = person_by_identity(id_number=facts.number, name=name, among=among)
    # Outside the regulator's scope reads the same as unknown or a wrong name: no existence leak
    if person is None or not selectors.can_issue(actor, person):
        errors.add("id_number", str(NO_SUCH_PERSON))
        return None
    return person


def _issuing_region(errors: Errors, actor: User, code: str, person: Person | None) -> Region | None:
    """A regulator issues in its own region. The platform admin records a listing on behalf of
    a bureau and names its region (default: the person's)."""
    if actor.role == Role.REGULATOR:
        return actor.region
    code = _clean(code)
    if not code:
        if person is not None and person.region is not None:
            return person.region
        errors.add("region", _("请填写发布机关所在行政区划代码"))
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        errors.add("region", _("行政区划代码不存在（GB/T 2260）"))
    return region


def default_authority(region: Region | None) -> str:
    """The usual name of the market regulation bureau of a region, e.g. 西安市市场监督管理局."""
    return f"{region.name}市场监督管理局" if region is not None else ""


def _check_overlap(
    errors: Errors,
    person: Person,
    kind: str,
    start: dt.date,
    end: dt.date | None,
    field: str,
    exclude: int | None = None,
) -> None:
    others = Listing.objects.filter(person=person, kind=kind, revoked_at__isnull=True)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    for other in others.only("start_date", "end_date"):
        if rules.periods_overlap(start, end, other.start_date, other.end_date):
            errors.add(
                field,
                _("该人员已有同类且期间重叠的名单（自 %(start)s 起），请勿重复列入")
                % {"start": other.start_date.isoformat()},
            )
            return


def _accident_facts(
    errors: Errors, terms: ListingTerms
) -> tuple[str, dt.date | None, UploadedFile[bytes] | None]:
    """shaanxi-2021 §五(三), jiangsu-2020 §七: 对因责任心不强、履职不到位，造成重大质量安全事故的，
    应建立"黑名单"警示和退出机制. The one sentence grounds both kinds, so a warning states the same
    facts as an exit: the accident (what happened, at least four characters), its date (on or
    before today: an accident is a past event) and the evidence file."""
    if _clean(terms.ground) not in Listing.Ground.values:
        errors.add("ground", _("列入依据应为：因责任心不强、履职不到位，造成重大质量安全事故"))
    accident = _long_text(
        errors,
        "accident",
        _clean(terms.accident),
        rules.ACCIDENT_MIN,
        _("请写明事故情况（至少4个字）"),
        **_bounded(Listing, "accident"),
    )
    happened = _date(errors, "accident_date", terms.accident_date, required=True)
    if happened is not None and happened > clock.today():
        errors.add("accident_date", _("事故发生日期不能晚于今天"))
    evidence = _file(errors, "evidence", terms.evidence)
    if evidence is None and "evidence" not in errors.errors:
        errors.add("evidence", _("请上传事故的证据材料（PDF、JPG 或 PNG）"))
    return accident, happened, evidence


def _new_listing(
    errors: Errors, actor: User, terms: ListingTerms, person: Person | None
) -> Listing:
    """The listing as stated, every field checked at once (shaanxi-2021 §五(三), SPEC §8): a
    kind, a reason of at least four characters, the accident with its date and evidence, the
    issuing authority, dates within their range and no overlap with a listing of the same kind;
    unsaved."""
    kind = _clean(terms.kind)
    if kind not in Listing.Kind.values:
        errors.add("kind", _("请选择类别：警示或退出"))
    reason = _long_text(
        errors,
        "reason",
        _clean(terms.reason),
        rules.REASON_MIN,
        _("请写明列入原因（至少4个字）"),
        **_bounded(Listing, "reason"),
    )
    accident, accident_date, evidence = _accident_facts(errors, terms)
    region = _issuing_region(errors, actor, terms.region, person)
    authority = _clean(terms.authority_name) or default_authority(region)
    if len(authority) < 2 and region is not None:  # without a region: that error only
        errors.add("authority_name", _("请填写发布机关名称"))
    elif len(authority) > 100:
        errors.add("authority_name", _("不能超过%(n)d个字") % {"n": 100})
    start = _date(errors, "start_date", terms.start_date, required=True)
    end = _date(errors, "end_date", terms.end_date, required=False)
    if start and end and end < start:
        errors.add("end_date", _("截止日期不能早于起始日期"))
    if start and accident_date and accident_date > start:
        errors.add("accident_date", _("事故发生日期不能晚于名单起始日期"))
    if (
        person is not None
        and start
        and kind in Listing.Kind.values
        and "end_date" not in errors.errors
    ):
        # serialise issuing for one person, so two clicks cannot list them twice
        Person.objects.select_for_update().filter(pk=person.pk).first()
        _check_overlap(errors, person, kind, start, end, "start_date")
    errors.raise_if_any()
    assert person is not None and region is not None and start is not None  # noqa: S101
    listing = Listing(
        person=person,
        kind=kind,
        ground=Listing.Ground.ACCIDENT,
        reason=reason,
        accident=accident,
        accident_date=accident_date,
        region=region,
        authority_name=authority,
        issued_by=actor,
        start_date=start,
        end_date=end,
        public=terms.public,
    )
    listing.evidence = evidence
    return listing


@transaction.atomic
def listing_create(*, actor: User, terms: ListingTerms, person: Person | None = None) -> Listing:
    """列入警示或退出名单. ``person`` when the caller already found it in the actor's scope;
    otherwise ``terms`` names it by ``id_number`` and ``person_name``."""
    if not (actor.is_platform_admin or actor.role == Role.REGULATOR):
        raise PermissionDenied(_("只有市场监管部门可以列入警示或退出名单"))
    errors = Errors()
    if person is None:
        person = _find_person(errors, actor, terms)
    elif not selectors.can_issue(actor, person):
        raise PermissionDenied(_("该人员不在本辖区范围内"))
    listing = _new_listing(errors, actor, terms, person)
    ending = selectors.exit_would_end(listing, clock.today())
    if ending and not terms.effects_confirmed:
        raise ValidationError({"effects_confirmed": rules.ending_message(ending)})
    listing.save()
    _audit(actor, listing, "create", diff({}, snapshot(listing, LISTING_FIELDS)))
    today = clock.today()
    if rules.ends_appointments(kind=listing.kind, state=listing.state_on(today), applied=False):
        _apply_exit(listing, actor=actor, audit_actor=actor, today=today)
    _tell_certification(listing)
    notices.listed(listing)
    return listing


def _tell_certification(listing: Listing) -> None:
    """level-standard §11: an accident with the holder's related responsibility is for the
    certification body to decide on. An exit asks it for a review (SPEC §12.15: not an automatic
    suspension); a warning notifies it and shows on the certificate's record."""
    reason = _(
        "%(kind)s（%(authority)s，自 %(start)s 起）：%(reason)s；事故情况（%(date)s）：%(accident)s"
    ) % {
        "kind": _("列入退出名单") if listing.is_exit else _("列入警示名单"),
        "authority": listing.authority_name,
        "start": listing.start_date.isoformat(),
        "reason": listing.reason,
        "date": listing.accident_date.isoformat() if listing.accident_date else "—",
        "accident": listing.accident,
    }
    tell = hooks.exit_listed if listing.is_exit else hooks.warning_listed
    tell(holder_id=listing.person_id, reference=str(listing.public_id), reason=reason)


def _apply_exit(
    listing: Listing, *, actor: User, audit_actor: User | None, today: dt.date
) -> list[Appointment]:
    """The exit takes effect platform-wide: the person's filed appointments end (SPEC §12.15)."""
    note = _("列入退出名单：%(authority)s，自 %(start)s 起") % {
        "authority": listing.authority_name,
        "start": listing.start_date.isoformat(),
    }
    ended = appointments_end_for_exit(actor=actor, person=listing.person, ended_on=today, note=note)
    listing.applied_at = timezone.now()
    listing.save(update_fields=["applied_at", "updated_at"])
    listing.ended_appointments.add(*ended)
    numbers = "、".join(a.filing_number or str(a.public_id) for a in ended)
    _audit(
        audit_actor,
        listing,
        "transition",
        {"applied_at": [None, f"{timezone.localtime(listing.applied_at):%Y-%m-%d %H:%M:%S}"]},
        note=_("退出生效，终止聘任 %(n)d 项：%(numbers)s") % {"n": len(ended), "numbers": numbers}
        if ended
        else _("退出生效，该人员没有在任的已备案聘任"),
    )
    return ended


def activate_due_listings(today: dt.date | None = None) -> list[Listing]:
    """Apply every exit listing that is in force on ``today`` and not yet applied (those issued
    with a later start date). Idempotent: ``applied_at`` records what was done. The
    appointments are ended in the name of the issuing regulator; the listing's own entry is the
    system's."""
    today = today or clock.today()
    applied = []
    for pk in list(selectors.due_for_activation(today).values_list("pk", flat=True)):
        with transaction.atomic():
            listing = (
                Listing.objects.select_for_update().select_related("person", "issued_by").get(pk=pk)
            )
            state = listing.state_on(today)
            if not rules.ends_appointments(
                kind=listing.kind, state=state, applied=listing.applied_at is not None
            ):
                continue  # taken by a concurrent run
            try:
                _apply_exit(listing, actor=listing.issued_by, audit_actor=None, today=today)
            except PermissionDenied:
                # The issuing account is no longer a regulator: leave the listing for an admin.
                log.warning("blacklist listing %s: issuer may no longer end appointments", pk)
                continue
            applied.append(listing)
    return applied


# Revocation and the end date ------------------------------------------------------------------


def _lock(listing: Listing) -> Listing:
    return (
        Listing.objects.select_for_update()
        .select_related("person", "region", "issued_by")
        .get(pk=listing.pk)
    )


def _revoke(actor: User, listing: Listing, reason: str, keep: Appeal | None = None) -> None:
    before = listing.state
    listing.revoked_at = timezone.now()
    listing.revoked_by = actor
    listing.revoke_reason = reason
    listing.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "updated_at"])
    _audit(actor, listing, "transition", {"status": [before, Listing.State.REVOKED]}, note=reason)
    # An appeal still open has nothing left to decide.
    for appeal in listing.appeals.select_for_update().filter(status=Appeal.Status.PENDING):
        if keep is not None and appeal.pk == keep.pk:
            continue
        appeal.status = Appeal.Status.CLOSED
        appeal.decided_at = listing.revoked_at
        appeal.decided_by = actor
        appeal.decision_note = _("名单已撤销，申诉终结")
        appeal.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
        _audit(actor, appeal, "transition", {"status": ["pending", appeal.status]})
        notices.appeal_decided(appeal)


@transaction.atomic
def listing_revoke(*, actor: User, listing: Listing, reason: str) -> Listing:
    """撤销 (移除): the row and its history stay; the listing stops being in force."""
    if not selectors.can_manage(actor, listing):
        raise PermissionDenied(_("只有发布机关或其上级可以撤销名单"))
    listing = _lock(listing)
    if listing.revoked_at is not None:
        raise ValidationError({"status": _("该名单已撤销")})
    errors = Errors()
    reason = _long_text(
        errors,
        "reason",
        (reason or "").replace("\x00", "").strip(),
        rules.NOTE_MIN,
        _("请写明撤销原因（至少4个字）"),
        **_bounded(Listing, "revoke_reason"),
    )
    errors.raise_if_any()
    _revoke(actor, listing, reason)
    return listing


@transaction.atomic
def listing_set_end_date(
    *, actor: User, listing: Listing, end_date: dt.date | str | None, note: str = ""
) -> Listing:
    """The issuing level sets or changes the end date (SPEC §12.15); blank: no end date."""
    if not selectors.can_manage(actor, listing):
        raise PermissionDenied(_("只有发布机关或其上级可以调整截止日期"))
    listing = _lock(listing)
    if listing.revoked_at is not None:
        raise ValidationError({"status": _("已撤销的名单不能调整截止日期")})
    errors = Errors()
    end = _date(errors, "end_date", end_date, required=False)
    note = _long_text(
        errors,
        "note",
        (note or "").replace("\x00", "").strip(),
        0,
        "",
        limit=rules.END_DATE_NOTE_MAX,
        label=_("说明"),
    )
    if end is not None and end < listing.start_date:
        errors.add("end_date", _("截止日期不能早于起始日期"))
    if "end_date" not in errors.errors:
        _check_overlap(
            errors, listing.person, listing.kind, listing.start_date, end, "end_date", listing.pk
        )
    errors.raise_if_any()
    if end == listing.end_date:
        return listing
    before = listing.end_date
    listing.end_date = end
    listing.save(update_fields=["end_date", "updated_at"])
    _audit(
        actor,
        listing,
        "update",
        {"end_date": [before and before.isoformat(), end and end.isoformat()]},
        note=note,
    )
    today = clock.today()
    # A longer period can bring an exit listing into force that never was (e.g. recorded late).
    if rules.ends_appointments(
        kind=listing.kind, state=listing.state_on(today), applied=listing.applied_at is not None
    ):
        _apply_exit(listing, actor=actor, audit_actor=actor, today=today)
    return listing


# Appeals --------------------------------------------------------------------------------------


@transaction.atomic
def appeal_create(
    *,
    actor: User,
    listing: Listing,
    grounds: str,
    attachment: UploadedFile[bytes] | None = None,
) -> Appeal:
    """申诉: the listed person asks for the listing to be revoked (SPEC §8)."""
    if not selectors.can_appeal(actor, listing):
        raise PermissionDenied(_("只有被列入名单的本人可以申诉"))
    listing = _lock(listing)
    if listing.revoked_at is not None:
        raise ValidationError({"status": _("该名单已撤销，无需申诉")})
    if listing.appeals.filter(status=Appeal.Status.PENDING).exists():
        raise ValidationError({"status": _("已有待决定的申诉，请等待决定后再提出")})
    errors = Errors()
    grounds = _long_text(
        errors,
        "grounds",
        _clean(grounds),
        rules.GROUNDS_MIN,
        _("请写明申诉理由（至少10个字）"),
        **_bounded(Appeal, "grounds"),
    )
    attachment = _file(errors, "attachment", attachment)
    errors.raise_if_any()
    appeal = Appeal(listing=listing, filed_by=actor, grounds=grounds)
    if attachment is not None:
        appeal.attachment = attachment
    try:
        with transaction.atomic():  # the partial unique index decides a race
            appeal.save()
    except IntegrityError as exc:
        raise ValidationError({"status": _("已有待决定的申诉，请等待决定后再提出")}) from exc
    _audit(actor, appeal, "create", diff({}, snapshot(appeal, APPEAL_FIELDS)))
    return appeal


@transaction.atomic
def appeal_decide(*, actor: User, appeal: Appeal, outcome: str, note: str) -> Appeal:
    """The issuing level (or above) decides: 维持 (upheld) or 撤销列入 (granted: the listing is
    revoked). The decision note is required."""
    if not selectors.can_manage(actor, appeal.listing):
        raise PermissionDenied(_("只有发布机关或其上级可以决定申诉"))
    appeal = (
        Appeal.objects.select_for_update()
        .select_related("listing", "listing__person", "listing__region")
        .get(pk=appeal.pk)
    )
    if appeal.status != Appeal.Status.PENDING:
        raise ValidationError({"status": _("该申诉已决定")})
    errors = Errors()
    if outcome not in (Appeal.Status.UPHELD, Appeal.Status.GRANTED):
        errors.add("outcome", _("请选择决定：维持或撤销列入"))
    note = _long_text(
        errors,
        "note",
        (note or "").replace("\x00", "").strip(),
        rules.NOTE_MIN,
        _("请写明决定理由（至少4个字）"),
        **_bounded(Appeal, "decision_note"),
    )
    errors.raise_if_any()
    if outcome == Appeal.Status.GRANTED:
        listing = _lock(appeal.listing)
        if listing.revoked_at is None:
            _revoke(actor, listing, _("申诉成立：%(note)s") % {"note": note}, keep=appeal)
    appeal.status = outcome
    appeal.decided_at = timezone.now()
    appeal.decided_by = actor
    appeal.decision_note = note
    appeal.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    _audit(actor, appeal, "transition", {"status": ["pending", outcome]}, note=note)
    notices.appeal_decided(appeal)
    return appeal
