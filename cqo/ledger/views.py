"""Public pages of the hour log (no login): the log's state and key, and a verifier that checks
an hour proof against the platform's published key (SPEC §5, level-standard §10)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cqo.ledger import note, selectors, services
from cqo.ledger.forms import VerifyForm
from cqo.ledger.models import Checkpoint
from cqo.ledger.verify import VerifyResult, verify_bundle
from cqo.lib.errors import rate_limited_page
from cqo.lib.lookups import too_many_lookups

# verify_bundle's outcome codes, worded for the page; its English reason is shown beneath
OUTCOMES = {
    "ok": _("核验通过：该条目包含在平台签名的存证日志中。"),
    "bad_bundle": _("证明文件的格式不正确。"),
    "bad_key": _("公钥格式不正确。"),
    "bad_note": _("签名检查点的格式不正确。"),
    "unsigned": _("签名检查点没有本平台公钥的签名。"),
    "bad_signature": _("签名检查点的签名无效：检查点被改动或签名系伪造。"),
    "bad_checkpoint": _("签名检查点的内容格式不正确。"),
    "wrong_origin": _("签名检查点不属于本平台的存证日志。"),
    "index_out_of_range": _("条目序号超出签名检查点所覆盖的范围。"),
    "not_included": _("包含证明不成立：条目内容或证明被改动。"),
}


def index(request: HttpRequest) -> HttpResponse:
    head = services.checkpoint()
    return render(
        request,
        "ledger/index.html",
        {
            "head": head,
            "root_b64": note.b64(bytes(head.root)),
            "vkey": services.public_vkey(),
            "sm2_vkey": selectors.sm2_vkey() if selectors.signs_sm2() else "",
            "recent": Checkpoint.objects.order_by("-size")[:10],
        },
    )


def verify(request: HttpRequest) -> HttpResponse:
    """The public check of an hour proof (no login); each check counts against the address's
    budget of public lookups."""
    result: VerifyResult | None = None
    if request.method == "POST":
        if too_many_lookups(request):
            return rate_limited_page(request)
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            # the Ed25519 signature always; the SM2 one whenever the checkpoint carries it
            result = verify_bundle(
                form.cleaned_data["parsed"],
                services.public_vkey(),
                if_present=[selectors.sm2_vkey()],
            )
    else:
        form = VerifyForm()
    return render(
        request,
        "ledger/verify.html",
        {
            "form": form,
            "result": result,
            "outcome": OUTCOMES.get(result.code, "") if result else "",
            "shown": _shown(result) if result else {},
            "vkey": services.public_vkey(),
            "sm2_vkey": selectors.sm2_vkey() if selectors.signs_sm2() else "",
            "size": selectors.tree_size(),
        },
    )


def _shown(result: VerifyResult) -> dict[str, Any]:
    try:
        text = result.entry.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    return {
        "root_hex": result.root.hex(),
        "entry_text": text if text.isprintable() else "",
        "entry_hex": result.entry.hex(),
        "signed_by": "、".join(result.signed_by),
        "extra": json.dumps(result.extra, ensure_ascii=False, indent=2) if result.extra else "",
    }
