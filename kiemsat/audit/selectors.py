from django.db import models
from django.db.models import QuerySet

from kiemsat.audit.models import AuditEntry


def history_for(obj: models.Model) -> QuerySet[AuditEntry]:
    """The object's history, newest first; callers have passed the object's gate."""
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
