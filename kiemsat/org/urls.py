from django.urls import path

from kiemsat.org import search_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("hom-nay/viec/", views.today_list_view, name="today_list"),
    path("don-vi/", views.unit_tree, name="unit_tree"),
    path("don-vi/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("don-vi/<int:pk>/thanh-vien/", views.membership_add, name="membership_add"),
    path(
        "don-vi/<int:pk>/thanh-vien/<int:membership_pk>/xoa/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("co-quan-phoi-hop/", views.partner_list, name="partner_list"),
    path("co-quan-phoi-hop/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("cum-thi-dua/", views.cluster_list, name="cluster_list"),
    path("tim-kiem/", search_views.search_page, name="search"),
    path("tim-kiem/goi-y/", search_views.search_suggest, name="search_suggest"),
]
