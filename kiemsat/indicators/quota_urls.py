from django.urls import path

from kiemsat.indicators import quota_views as views

urlpatterns = [
    path("don-vi/<int:pk>/", views.quota_year, name="quota_year"),
    path("don-vi/<int:pk>/<int:year>/", views.quota_grid, name="quota_grid"),
    path(
        "don-vi/<int:pk>/<int:year>/mau.xlsx", views.quota_template_download, name="quota_template"
    ),
    path("don-vi/<int:pk>/<int:year>/tep/", views.quota_upload, name="quota_upload"),
    path(
        "don-vi/<int:pk>/<int:year>/tep/xac-nhan/",
        views.quota_upload_confirm,
        name="quota_upload_confirm",
    ),
    path(
        "don-vi/<int:pk>/<int:year>/tep/huy/", views.quota_upload_cancel, name="quota_upload_cancel"
    ),
    path("don-vi/<int:pk>/<int:year>/duyet/", views.quota_approve, name="quota_approve"),
    path("don-vi/<int:pk>/<int:year>/mo-lai/", views.quota_reopen, name="quota_reopen"),
]
