from django.urls import path

from kiemsat.oversight import views

urlpatterns = [
    path("", views.intervention_list, name="intervention_list"),
    path("tong-hop/", views.intervention_summary, name="intervention_summary"),
    path("moi/", views.intervention_create, name="intervention_create"),
    path("nhap-tep/", views.intervention_import, name="intervention_import"),
    path(
        "nhap-tep/xac-nhan/",
        views.intervention_import_confirm,
        name="intervention_import_confirm",
    ),
    path("nhap-tep/huy/", views.intervention_import_cancel, name="intervention_import_cancel"),
    path("nhap-tep/mau.xlsx", views.intervention_template, name="intervention_template"),
    path("<int:pk>/", views.intervention_detail, name="intervention_detail"),
    path("<int:pk>/sua/", views.intervention_edit, name="intervention_edit"),
    path("<int:pk>/gia-han/", views.intervention_extend, name="intervention_extend"),
    path("<int:pk>/tra-loi/", views.intervention_answer, name="intervention_answer"),
    path("<int:pk>/dinh-kem/", views.intervention_attach, name="intervention_attach"),
    path("<int:pk>/xoa/", views.intervention_delete, name="intervention_delete"),
    path("<int:pk>/van-ban/", views.intervention_document, name="intervention_document"),
    path(
        "<int:pk>/cong-van-don-doc.<str:fmt>",
        views.intervention_chase,
        name="intervention_chase",
    ),
]
