from django.urls import path

from kiemsat.indicators import views

urlpatterns = [
    path("", views.indicator_dashboard, name="indicator_dashboard"),
    path("don-vi/<int:pk>/", views.indicator_unit, name="indicator_unit"),
    path("don-vi/<int:pk>/so-lieu/", views.indicator_figures, name="indicator_figures"),
    path("cum/<int:cluster_pk>/", views.indicator_cluster, name="indicator_cluster"),
    path("tinh/<int:unit_pk>/", views.indicator_province, name="indicator_province"),
    path("toan-nganh/", views.indicator_nation, name="indicator_nation"),
    path("tinh-trang-bao-cao/", views.indicator_completeness, name="indicator_completeness"),
    path("danh-muc/", views.indicator_list, name="indicator_list"),
    path("chi-tieu/<int:pk>/", views.indicator_detail, name="indicator_detail"),
]
