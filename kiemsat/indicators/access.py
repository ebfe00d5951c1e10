"""The indicator pages' gates: a cluster's results, the nation's results."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from kiemsat.org.access import AnyUser, is_sector_admin
from kiemsat.org.models import Cluster, Level, Membership
from kiemsat.org.selectors import readable_clusters


def get_cluster_for_user(user: AnyUser, pk: int) -> Cluster:
    """The cluster gate: a cluster outside `readable_clusters` is a 404.

    Cluster results are shared within the cluster: anyone who can read a unit that is or
    was a member of any of its terms (or the unit that manages a local cluster) sees the
    whole cluster table, every member's row included.
    """
    cluster = get_object_or_404(Cluster, pk=pk)
    if not readable_clusters(user).filter(pk=cluster.pk).exists():
        raise Http404("Không tìm thấy.")
    return cluster


def can_read_nation(user: AnyUser) -> bool:
    if is_sector_admin(user):
        return True
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, unit__level=Level.SUPREME).exists()


def require_nation_reader(user: AnyUser) -> None:
    if not can_read_nation(user):
        raise PermissionDenied(
            "Chỉ cán bộ VKSND tối cao và quản trị ngành được xem kết quả toàn ngành."
        )
