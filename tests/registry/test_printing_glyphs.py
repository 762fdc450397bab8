"""Every character a person's name may hold prints as a real glyph in every PDF: Noto CJK, then
Hanazono and BabelStone Han for the rare characters (cqo/lib/pdf.py, NAME_IDEOGRAPHS).

WeasyPrint warns ".notdef glyph rendered for Unicode string unsupported by fonts" for each
character that no font of the list (nor fontconfig's fallback) has: the renderer's own account of
a box printed instead of a character."""

from __future__ import annotations

import logging
import random
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from cqo.lib import pdf
from cqo.registry import printing, services
from cqo.registry.services._common import NAME_IDEOGRAPHS
from cqo.test import Personas, file_appointment

RARE_FONTS = ('"HanaMinA"', '"HanaMinB"', '"BabelStone Han"')
PDF_TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").glob("*/*_pdf.html"))
FONT_FAMILY = re.compile(r"font-family:\s*([^;}]+)")


def samples() -> str:
    """Of each block a name may draw on: its first and last assigned code point, the middle one
    and five more at random (seeded), with the Latin letters and dots a name may hold."""
    rng = random.Random(18030)  # noqa: S311  (a reproducible sample, not a secret)
    chosen: list[str] = []
    for first, last in NAME_IDEOGRAPHS:
        assigned = [chr(c) for c in range(first, last + 1) if unicodedata.category(chr(c)) != "Cn"]
        chosen += [assigned[0], assigned[len(assigned) // 2], assigned[-1]]
        chosen += rng.sample(assigned, 5)
    return "".join(chosen) + "Az·•.'-"


def font_lists() -> set[str]:
    return {
        " ".join(found.split())
        for template in PDF_TEMPLATES
        for found in FONT_FAMILY.findall(template.read_text())
    }


def missing_glyphs(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if ".notdef glyph" in r.getMessage()]


def test_it_finds_the_pdf_templates() -> None:
    names = {p.name for p in PDF_TEMPLATES}
    assert {
        "filing_form_pdf.html",
        "authorisation_pdf.html",
        "certificate_pdf.html",
        "evaluation_pdf.html",
    } <= names
    assert len(PDF_TEMPLATES) == 7


@pytest.mark.parametrize("template", PDF_TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_it_names_the_rare_character_fonts_in_every_font_list(template: Path) -> None:
    lists = FONT_FAMILY.findall(template.read_text())
    assert lists
    for found in lists:
        families = [f.strip() for f in found.split(",")]
        assert [f for f in families if f in RARE_FONTS] == list(RARE_FONTS), found


def test_it_prints_every_character_a_name_may_hold_with_every_font_list(
    caplog: pytest.LogCaptureFixture,
) -> None:
    text = samples()
    assert len(text) > 9 * 8
    for families in sorted(font_lists()):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="weasyprint"):
            pdf.html_to_pdf(f"<p style='font-family: {families}'>{text}</p>")
        assert missing_glyphs(caplog) == [], families


@pytest.mark.parametrize(
    "name",
    [
        "张\U00030000",  # Extension G: no font Debian ships covers it
        "张\U0002a6e0",  # between Extensions B and C: no character there
        "张\ufa6e",  # an unassigned code point among the compatibility ideographs
    ],
)
def test_it_refuses_a_name_that_would_print_as_a_box(personas: Personas, name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.person_update(
            actor=personas.cqo, person=personas.person, details=services.PersonDetails(name=name)
        )
    assert "name" in caught.value.message_dict


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs poppler-utils")
def test_it_prints_a_name_of_extension_b_on_the_filing_form(
    personas: Personas, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    name = "𠀀\U0002ceb0堃"  # the first characters of Extensions B and F
    services.person_update(
        actor=personas.cqo, person=personas.person, details=services.PersonDetails(name=name)
    )
    personas.person.refresh_from_db()
    appt = file_appointment(personas)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        out = printing.render_filing_form(appt, unmasked=False, contact=True)
    assert missing_glyphs(caplog) == []
    path = tmp_path / "form.pdf"
    path.write_bytes(out)
    fonts = subprocess.run(  # noqa: S603  (fixed binary, our own file)
        ["pdffonts", str(path)],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "HanaMinB" in fonts
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert name in "".join(text.split())
