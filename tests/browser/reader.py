"""What a reader of the Chinese interface should not meet on a page, read the way the page is
shown: the sweep (test_sweep.py) reads every page it opens with it, and every screenshot a
browser test takes (conftest ``snap``) passes through it too."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# words a Chinese user reads as they are: abbreviations, formats, standards, level marks
ALLOWED_WORDS = {
    "API",
    "CQO",
    "CSV",
    "DMAIC",
    "ERP",
    "Excel",
    "GB",
    "GBT",
    "HTML",
    "ISO",
    "JPG",
    "JSON",
    "FMEA",
    "NQI",
    "PDCA",
    "PNG",
    "SPC",
    "PDF",
    "QR",
    "SHA",
    "URL",
    "UTF",
    "WPS",
    "XLSX",
    "csv",
    "pdf",
    "png",
    "jpg",
    "json",
    "xls",
    "xlsx",
    "ods",
    "English",  # the language switch names the language in its own tongue
}
# the quality methods above are named so in the source documents (shaanxi-2021 §三(二),
# jiangsu-2020 附件) and by the people who use them

# the platform administrator's rule-pack pages name each pack by the file id the administrator
# types at the command line (`manage.py load_packs`); no other user sees one
ADMIN_ONLY = {("admin", "/policy/")}
LEVEL_MARK = re.compile(r"^A{3,5}$")
WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")
# an enterprise's web and mail addresses are its own, not the interface's
ADDRESS = re.compile(
    r"[\w.-]+\.(?:pdf|png|jpe?g|xlsx?|csv|docx?|zip|json)\b|"  # a file by the user's name for it
    r"(?:https?://|www\.)[\w./?=&%:-]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
# numbers a record is known by (certificate numbers, providers' references) and hashes
IDENTIFIER = re.compile(r"\b(?=[\w-]*\d)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+\b|\b[0-9a-f]{12,}\b")
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
ENUM = re.compile(r"\b[a-z]+_[a-z_]+\b")
SPEC = re.compile(r"\bSPEC\b")

# text nodes of the page (hidden ones too: a menu's items are read when it opens), the titles
# and placeholders a reader sees, its links, and how wide it lays out
READ_PAGE = """() => {
  const parts = [], prose = [];
  const code = (el) => el && el.closest('code, kbd, samp, .font-monospace');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => ['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT'].includes(
      n.parentElement && n.parentElement.tagName) ? NodeFilter.FILTER_REJECT
      : NodeFilter.FILTER_ACCEPT,
  });
  while (walker.nextNode()) {
    const node = walker.currentNode;
    parts.push(node.nodeValue);
    if (!code(node.parentElement)) prose.push(node.nodeValue);
  }
  for (const el of document.querySelectorAll('[title],[placeholder],[aria-label]')) {
    for (const a of ['title', 'placeholder', 'aria-label']) {
      if (el.getAttribute(a)) { parts.push(el.getAttribute(a)); prose.push(el.getAttribute(a)); }
    }
  }
  parts.push(document.title);
  prose.push(document.title);
  const nav = [...document.querySelectorAll('nav a[href], header a[href]')]
    .map((a) => a.getAttribute('href'));
  const main = [...document.querySelectorAll('main a[href]')].map((a) => a.getAttribute('href'));
  return {
    text: parts.join('\\n'),
    prose: prose.join('\\n'),
    chinese: (document.documentElement.lang || '').startsWith('zh'),
    nav, main,
    width: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  };
}"""


@dataclass
class Sweep:
    login: str
    pack_ids: list[str]
    problems: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    patterns: dict[str, int] = field(default_factory=dict)

    def flag(self, where: str, what: str) -> None:
        self.problems.append(f"{self.login} {where}: {what}")

    def read(self, where: str, text: str, prose: str, *, chinese: bool = True) -> None:
        """Flag what a reader of the interface should not meet in ``text``; English words only
        in the ``prose`` of the Chinese interface (not in codes set in type as codes, such as
        a body's code in a certificate number)."""
        text, prose = ADDRESS.sub(" ", text), ADDRESS.sub(" ", prose)
        for name, pattern, read in (
            ("UUID", UUID, text),
            ("SPEC reference", SPEC, text),
            # a login set in type as a code (the account page's 用户名) is not an enum value
            ("enum value", ENUM, prose),
        ):
            found = sorted(set(pattern.findall(read)))
            if found:
                self.flag(where, f"{name} {found[:5]}")
        if not chinese or (self.login, urlsplit(where).path) in ADMIN_ONLY:
            return
        words = WORD.findall(IDENTIFIER.sub(" ", prose))
        english = sorted({w for w in words if w not in ALLOWED_WORDS and not LEVEL_MARK.match(w)})
        if english:
            self.flag(where, f"English words {english[:8]}")
        ids = [p for p in self.pack_ids if p in text]
        if ids:
            self.flag(where, f"rule-pack id {ids}")
