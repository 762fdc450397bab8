from django.db.models import QuerySet

from cqo.audit.models import AuditEntry


def audit_trail(*, target_type: str, target_id: str) -> QuerySet[AuditEntry]:
    """The history of one record. Callers check that the viewer may read the record itself."""
    return AuditEntry.objects.filter(target_type=target_type, target_id=str(target_id))
