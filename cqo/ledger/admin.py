from django.contrib import admin

from cqo.audit.admin import ReadOnlyAdmin
from cqo.ledger.models import Checkpoint, LedgerEntry, LedgerHead, LedgerNode

# The log is append-only (SPEC §12.14): the admin shows it and changes nothing.


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["index", "leaf_hash_hex", "created_at"]
    readonly_fields = ["index", "entry_text", "leaf_hash_hex", "created_at"]
    exclude = ["entry"]
    show_full_result_count = False

    @admin.display(description="leaf hash")
    def leaf_hash_hex(self, obj: LedgerEntry) -> str:
        return bytes(obj.leaf_hash).hex()

    @admin.display(description="entry")
    def entry_text(self, obj: LedgerEntry) -> str:
        raw = bytes(obj.entry)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.hex()


@admin.register(LedgerNode)
class LedgerNodeAdmin(ReadOnlyAdmin):
    list_display = ["level", "index", "hash_hex"]
    list_filter = ["level"]
    exclude = ["hash"]
    readonly_fields = ["level", "index", "hash_hex"]
    show_full_result_count = False

    @admin.display(description="hash")
    def hash_hex(self, obj: LedgerNode) -> str:
        return bytes(obj.hash).hex()


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ["size", "root_hex", "created_at"]
    exclude = ["root"]
    readonly_fields = ["size", "root_hex", "note", "created_at"]

    @admin.display(description="root")
    def root_hex(self, obj: Checkpoint) -> str:
        return obj.root_hex


@admin.register(LedgerHead)
class LedgerHeadAdmin(ReadOnlyAdmin):
    list_display = ["size"]
