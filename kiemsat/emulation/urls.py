from django.urls import path

from kiemsat.emulation import views

urlpatterns = [
    path("", views.term_list, name="term_list"),
    path("<int:pk>/", views.term_detail, name="term_detail"),
    path("<int:pk>/xep-hang.xlsx", views.term_ranking_xlsx, name="term_ranking_xlsx"),
    path("<int:pk>/bao-cao-tong-ket.docx", views.term_report_docx, name="term_report_docx"),
    path("<int:pk>/bao-cao-tong-ket.pdf", views.term_report_pdf, name="term_report_pdf"),
    path("<int:pk>/to-trinh.docx", views.term_proposal_docx, name="term_proposal_docx"),
    path("<int:pk>/to-trinh.pdf", views.term_proposal_pdf, name="term_proposal_pdf"),
    path("<int:pk>/cum-truong/", views.term_officers, name="term_officers"),
    path("<int:pk>/giao-uoc/", views.term_covenant, name="term_covenant"),
    path("<int:pk>/de-nghi/", views.term_proposal_save, name="term_proposal_save"),
    path("<int:pk>/de-nghi/lap/", views.term_proposals_derive, name="term_proposals_derive"),
    path(
        "<int:pk>/de-nghi/<int:proposal_pk>/xoa/",
        views.term_proposal_remove,
        name="term_proposal_remove",
    ),
    path("<int:pk>/khong-xet/", views.term_exclude, name="term_exclude"),
    path("<int:pk>/khoa/", views.term_lock, name="term_lock"),
    path("<int:pk>/mo-lai/", views.term_reopen, name="term_reopen"),
    path("<int:pk>/nam-sau/", views.term_open_next, name="term_open_next"),
    path("<int:pk>/don-vi/<int:unit_pk>/", views.term_member, name="term_member"),
    path("<int:pk>/don-vi/<int:unit_pk>/tu-cham/", views.term_self_assess, name="term_self_assess"),
    path("<int:pk>/don-vi/<int:unit_pk>/dieu-chinh/", views.term_adjust, name="term_adjust"),
    path(
        "<int:pk>/don-vi/<int:unit_pk>/minh-chung/",
        views.term_evidence_add,
        name="term_evidence_add",
    ),
    path(
        "<int:pk>/don-vi/<int:unit_pk>/minh-chung/<int:file_pk>/",
        views.term_evidence_download,
        name="term_evidence_download",
    ),
    path(
        "<int:pk>/don-vi/<int:unit_pk>/minh-chung/<int:file_pk>/xoa/",
        views.term_evidence_delete,
        name="term_evidence_delete",
    ),
]
