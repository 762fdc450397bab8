"""Policy-pack pages: the packs and the regions they govern, one version's rules with their
clauses, which rules govern a region, installing a new version, and an eligibility check."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.selectors import audit_trail
from cqo.lib import bounds, clock
from cqo.lib.bounds import max_length
from cqo.lib.forms import BootstrapForm, apply_errors
from cqo.policy import rules, schema, selectors, services
from cqo.policy.models import PackVersion
from cqo.reference import enums
from cqo.reference.models import Industry, Region
from cqo.reference.selectors import region_get, region_label


class UploadForm(BootstrapForm):
    file = forms.FileField(label=gettext_lazy("政策包文件（TOML）"), required=False)
    text = forms.CharField(
        label=gettext_lazy("或粘贴政策包内容"),
        max_length=services.PACK_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
        required=False,
    )


def _upload_text(form: UploadForm) -> str:
    upload = form.cleaned_data.get("file")
    if upload is not None:
        if upload.size > services.PACK_TEXT_MAX:
            raise ValidationError({"file": _("政策包文件不应超过 512 KB")})
        try:
            return str(upload.read().decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ValidationError({"file": _("政策包文件应为 UTF-8 编码的文本")}) from exc
    text = form.cleaned_data.get("text") or ""
    if not text.strip():
        raise ValidationError({"text": _("请上传文件或粘贴政策包内容")})
    return str(text)


@login_required
def pack_index(request: AuthedHttpRequest) -> HttpResponse:
    form = UploadForm()
    if request.method == "POST":
        if not request.user.is_platform_admin:
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                installed = services.pack_install(text=_upload_text(form), actor=request.user)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("已安装 %(v)s") % {"v": installed.version.label}
                    if installed.created
                    else _("该版本已安装，内容相同，未作变更"),
                )
                return redirect("policy:version_detail", pk=installed.version.pk)
    packs = selectors.pack_overview(clock.today())
    return render(
        request,
        "policy/pack_index.html",
        {"packs": packs, "form": form, "can_install": request.user.is_platform_admin},
    )


def _describe(content: dict[str, Any]) -> dict[str, Any]:
    spec = schema.validate(content)
    conds = []
    for c in rules.conditions(spec):
        _outcome, expected, _actual = rules.check(c.test, rules.Facts())
        conds.append({"c": c, "expected": expected, "when": rules.describe_when(c.when)})
    return {"spec": spec, "conditions": conds}


@login_required
def version_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        version = selectors.version_get(pk)
    except PackVersion.DoesNotExist as exc:
        raise Http404 from exc
    regions = [(r.code, region_label(r.code)) for r in selectors.regions_governed(version)]
    ctx = _describe(version.content)
    ctx.update(
        {
            "version": version,
            "regions": regions,
            "others": version.pack.versions.order_by("-effective_from"),
            "trail": audit_trail(target_type="pack_version", target_id=str(version.pk)),
        }
    )
    return render(request, "policy/version_detail.html", ctx)


@login_required
def version_source(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        version = selectors.version_get(pk)
    except PackVersion.DoesNotExist as exc:
        raise Http404 from exc
    response = HttpResponse(version.source_text, content_type="application/toml; charset=utf-8")
    name = f"{version.pack.slug}-{version.version}.toml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def governing_lookup(request: AuthedHttpRequest) -> HttpResponse:
    code = request.GET.get("region", "").strip()
    on_text = request.GET.get("on", "").strip()
    error = ""
    ctx: dict[str, Any] = {"code": code, "on": on_text}
    if code:
        region = region_get(code)
        on, error = _lookup_date(on_text)
        if region is None:
            error = _("行政区划代码 %(code)s 不存在") % {"code": code}
        else:
            try:
                gov = selectors.governing_for_region(region, on)
            except selectors.NoPackInForce as exc:
                ctx["error"] = exc.text()
                return render(request, "policy/governing.html", ctx, status=422)
            ctx.update(_governing_context(gov, region, on))
    ctx["error"] = error
    return render(request, "policy/governing.html", ctx)


def _lookup_date(on_text: str) -> tuple[dt.date, str]:
    """The day asked about (today when none is given) and the error of a malformed one, which
    is then read as today."""
    try:
        return (dt.date.fromisoformat(on_text) if on_text else clock.today()), ""
    except ValueError:
        return clock.today(), _("日期格式应为 YYYY-MM-DD")


def _governing_context(gov: selectors.Governing, region: Region, on: dt.date) -> dict[str, Any]:
    """The rules governing ``region`` on ``on``, with the pack each section comes from."""
    sections = [
        (name, gov.section_source(name))
        for name in schema.SECTIONS
        if gov.section_source(name) is not None
    ]
    return {
        "gov": gov,
        "region_name": region_label(region.code),
        "on_date": on,
        "sections": sections,
        **_describe(gov.rules.model_dump(mode="json")),
    }


class VersionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A pack version named by its document and the day it applies from (SPEC §12.24)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class EligibilityForm(BootstrapForm):
    """Describe a person, an enterprise and a post; see the verdict under a pack."""

    version = VersionChoiceField(
        label=gettext_lazy("适用文件"), queryset=PackVersion.objects.select_related("pack")
    )
    education = forms.ChoiceField(label=gettext_lazy("学历"), choices=enums.Education.choices)
    title_level = forms.ChoiceField(
        label=gettext_lazy("职称等级"), choices=enums.QualificationLevel.choices, required=False
    )
    management_level = forms.ChoiceField(
        label=gettext_lazy("管理类/职业资格等级"),
        choices=enums.QualificationLevel.choices,
        required=False,
    )
    quality_years = forms.IntegerField(
        label=gettext_lazy("质量管理工作年限"), min_value=0, max_value=60
    )
    training_certificate = forms.BooleanField(
        label=gettext_lazy("持有首席质量官培训合格证"), required=False
    )
    size = forms.ChoiceField(label=gettext_lazy("企业规模"), choices=enums.EnterpriseSize.choices)
    above_scale = forms.BooleanField(label=gettext_lazy("规模以上企业"), required=False)
    nature = forms.ChoiceField(
        label=gettext_lazy("单位性质"),
        choices=[("", "—"), *enums.EnterpriseNature.choices],
        required=False,
    )
    group = forms.BooleanField(label=gettext_lazy("集团企业"), required=False)
    industry = forms.CharField(
        label=gettext_lazy("行业大类代码（GB/T 4754）"),
        max_length=max_length(Industry, "code"),
        required=False,
    )
    rank = forms.ChoiceField(
        label=gettext_lazy("职级"), choices=list(reversed(enums.PositionRank.choices))
    )
    concurrent_role = forms.ChoiceField(
        label=gettext_lazy("兼任角色"), choices=enums.ConcurrentRole.choices, required=False
    )
    appointing_authority = forms.ChoiceField(
        label=gettext_lazy("聘任主体"), choices=enums.AppointingAuthority.choices
    )
    reports_to_top = forms.BooleanField(
        label=gettext_lazy("直接向总经理（总裁）报告工作"), required=False, initial=True
    )
    own_conditions = forms.CharField(
        label=gettext_lazy("企业自定首席质量官任职条件"),
        max_length=bounds.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    justification = forms.CharField(
        label=gettext_lazy("未满足条件的书面说明"),
        max_length=bounds.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    declared = forms.BooleanField(
        label=gettext_lazy("备案人已作出政策包要求的本人声明（如无不得担任首席质量官的情形）"),
        required=False,
    )

    def clean_industry(self) -> Industry | None:
        code = (self.cleaned_data.get("industry") or "").strip()
        if not code:
            return None
        industry = Industry.objects.filter(code=code, level=Industry.Level.DIVISION).first()
        if industry is None:
            raise ValidationError(_("行业大类代码 %(code)s 不存在") % {"code": code})
        return industry


def facts_from(data: dict[str, Any]) -> rules.Facts:
    industry = data.get("industry")
    quals = []
    if data.get("management_level") not in (None, "", "none"):
        quals.append(rules.QualificationFact("management", data["management_level"]))
    return rules.Facts(
        person=rules.PersonFacts(
            education=data["education"],
            title_level=data.get("title_level") or "",
            qualifications=tuple(quals),
            quality_years=data["quality_years"],
            training_certificate=bool(data.get("training_certificate")),
        ),
        enterprise=rules.EnterpriseFacts(
            size=data["size"],
            above_scale=bool(data.get("above_scale")),
            nature=data.get("nature") or "",
            group=bool(data.get("group")),
            industry_division=industry.code if industry else "",
            industry_section=industry.section_code if industry else "",
            own_conditions=data.get("own_conditions") or "",
        ),
        post=rules.PostFacts(
            rank=data["rank"],
            concurrent_role=data.get("concurrent_role") or "",
            appointing_authority=data["appointing_authority"],
            reports_to_top=bool(data.get("reports_to_top")),
            justification=data.get("justification") or "",
        ),
    )


@login_required
def eligibility_check(request: AuthedHttpRequest) -> HttpResponse:
    form = EligibilityForm(request.GET or None)
    ctx: dict[str, Any] = {"form": form}
    if form.is_valid():
        version = form.cleaned_data["version"]
        gov = selectors.governing_for_version(version, clock.today())
        facts = facts_from(form.cleaned_data)
        if form.cleaned_data.get("declared"):
            codes = frozenset(c.code for c in rules.declared_conditions(gov.rules))
            facts = replace(facts, person=replace(facts.person, declarations=codes))
        verdict = rules.verdict(gov.rules, facts)
        ctx.update(
            {
                "gov": gov,
                "verdict": verdict,
                "results": [r.as_dict() for r in verdict.results],
                "can_proceed": verdict.can_proceed(form.cleaned_data.get("justification") or ""),
            }
        )
    return render(request, "policy/eligibility.html", ctx)
