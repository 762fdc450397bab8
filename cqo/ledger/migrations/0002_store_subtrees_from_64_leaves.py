"""Proofs now read chunks of 64 leaf hashes instead of 256 (cqo.ledger.selectors.CHUNK_LEVEL):
store the hashes of the complete subtrees of 64 and 128 leaves that a log written with chunks
of 256 lacks. Levels 8 and up are unchanged; nothing else is touched (the log is append-only)."""

import hashlib

from django.db import migrations

BATCH = 1 << 16  # a multiple of 128: a batch holds whole subtrees of levels 6 and 7


def _root(hashes):
    level = list(hashes)
    while len(level) > 1:
        level = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level), 2)
        ]
    return level[0]


def forwards(apps, schema_editor):
    LedgerEntry = apps.get_model("ledger", "LedgerEntry")
    LedgerHead = apps.get_model("ledger", "LedgerHead")
    LedgerNode = apps.get_model("ledger", "LedgerNode")
    head = LedgerHead.objects.filter(pk=1).first()
    size = head.size if head is not None else 0
    have = set(LedgerNode.objects.filter(level__in=(6, 7)).values_list("level", "index"))
    start = 0
    while start + 64 <= size:
        end = min(start + BATCH, size - size % 64)
        leaves = [
            hashlib.sha256(b"\x00" + bytes(e)).digest()
            for e in LedgerEntry.objects.filter(index__gte=start, index__lt=end)
            .order_by("index")
            .values_list("entry", flat=True)
        ]
        if len(leaves) != end - start:
            raise RuntimeError(f"ledger entries {start}..{end - 1} are not all stored")
        six = [_root(leaves[j : j + 64]) for j in range(0, len(leaves), 64)]
        rows = [(6, (start >> 6) + j, h) for j, h in enumerate(six)]
        rows += [
            (7, (start >> 7) + j, hashlib.sha256(b"\x01" + six[2 * j] + six[2 * j + 1]).digest())
            for j in range(len(six) // 2)
        ]
        LedgerNode.objects.bulk_create(
            [
                LedgerNode(level=lv, index=i, hash=h)
                for lv, i, h in rows
                if (lv, i) not in have
            ],
            batch_size=5000,
        )
        start = end


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
