from django.urls import path

from kiemsat.indicators import entry_views as views

urlpatterns = [
    path("don-vi/<int:pk>/", views.figures_entry, name="figures_entry"),
    path("don-vi/<int:pk>/mau.xlsx", views.figures_template, name="figures_template"),
    path(
        "don-vi/<int:pk>/<str:month_text>/gui/", views.submission_submit, name="submission_submit"
    ),
    path(
        "don-vi/<int:pk>/<str:month_text>/duyet/",
        views.submission_approve,
        name="submission_approve",
    ),
    path(
        "don-vi/<int:pk>/<str:month_text>/mo-lai/",
        views.submission_reopen,
        name="submission_reopen",
    ),
    path(
        "don-vi/<int:pk>/<str:month_text>/tra-lai/",
        views.submission_return,
        name="submission_return",
    ),
    path("tep/", views.figures_upload, name="figures_upload"),
    path("tep/xac-nhan/", views.figures_upload_confirm, name="figures_upload_confirm"),
    path("tep/huy/", views.figures_upload_cancel, name="figures_upload_cancel"),
]
