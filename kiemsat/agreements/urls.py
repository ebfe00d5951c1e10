from django.urls import path

from kiemsat.agreements import import_views, views

urlpatterns = [
    path("", views.instrument_list, name="instrument_list"),
    path("xuat-excel/", views.instrument_export, name="instrument_export"),
    path("nhap-excel/", import_views.instrument_import, name="instrument_import"),
    path(
        "nhap-excel/xac-nhan/",
        import_views.instrument_import_confirm,
        name="instrument_import_confirm",
    ),
    path("nhap-excel/huy/", import_views.instrument_import_cancel, name="instrument_import_cancel"),
    path("nhap-excel/mau/", import_views.import_template, name="instrument_import_template"),
    path("dang-ky/", views.instrument_create, name="instrument_create"),
    path("<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path("<int:pk>/sua/", views.instrument_edit, name="instrument_edit"),
    path("<int:pk>/ben-ky/", views.party_add, name="party_add"),
    path("<int:pk>/ben-ky/<int:party_pk>/", views.party_edit, name="party_edit"),
    path("<int:pk>/ben-ky/<int:party_pk>/xoa/", views.party_remove, name="party_remove"),
    path("<int:pk>/dieu-khoan/", views.clause_add, name="clause_add"),
    path("<int:pk>/dieu-khoan/<int:clause_pk>/", views.clause_edit, name="clause_edit"),
    path("<int:pk>/dieu-khoan/<int:clause_pk>/xoa/", views.clause_delete, name="clause_delete"),
    path("<int:pk>/nhiem-vu/", views.duty_add, name="duty_add"),
    path("<int:pk>/nhiem-vu/<int:duty_pk>/hoan-thanh/", views.duty_done, name="duty_done"),
    path("<int:pk>/nhiem-vu/<int:duty_pk>/xoa/", views.duty_delete, name="duty_delete"),
    path("<int:pk>/tep/", views.attachment_add, name="attachment_add"),
    path(
        "<int:pk>/tep/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/tep/<int:attachment_pk>/xoa/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("<int:pk>/so-ket-tong-ket/", views.review_create, name="review_create"),
    path(
        "<int:pk>/so-ket-tong-ket/<int:review_pk>/bao-cao.docx",
        views.review_docx,
        name="review_docx",
    ),
    path(
        "<int:pk>/so-ket-tong-ket/<int:review_pk>/bao-cao.pdf",
        views.review_pdf,
        name="review_pdf",
    ),
    path("<int:pk>/van-ban.docx", views.instrument_docx, name="instrument_docx"),
    path("<int:pk>/van-ban.pdf", views.instrument_pdf, name="instrument_pdf"),
    path("<int:pk>/trien-khai/", views.cascade_coverage, name="cascade_coverage"),
]
