"""The preload of the PDF forkserver (cqo/lib/pdf.py), imported there and nowhere else: it
loads WeasyPrint and the fonts once, so every render forked from the server starts warm."""

from __future__ import annotations

import logging

from cqo.lib import pdf

try:
    pdf.warm_up()
except Exception:  # a cold server still renders; each child then loads the fonts itself
    logging.getLogger(__name__).warning("warming up the PDF renderer failed", exc_info=True)
