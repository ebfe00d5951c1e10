from django.urls import path

from kiemsat.meetings import task_views, views

urlpatterns = [
    path("", views.conference_list, name="conference_list"),
    path("moi/", views.conference_create, name="conference_create"),
    path("lich/", views.conference_calendar, name="conference_calendar"),
    path("lich/<str:token>.ics", views.conference_feed, name="conference_feed"),
    path("<int:pk>/", views.conference_detail, name="conference_detail"),
    path("<int:pk>/sua/", views.conference_edit, name="conference_edit"),
    path("<int:pk>/xoa/", views.conference_delete, name="conference_delete"),
    path("<int:pk>/<str:name>.<str:fmt>", views.conference_paper, name="conference_paper"),
    path("<int:pk>/nguoi-du/", views.participant_add, name="participant_add"),
    path(
        "<int:pk>/nguoi-du/<int:participant_pk>/xoa/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("<int:pk>/tai-lieu/", views.document_attach, name="document_attach"),
    path("<int:pk>/tai-lieu/<int:document_pk>/", views.document_download, name="document_download"),
    path("<int:pk>/tai-lieu/<int:document_pk>/xoa/", views.document_delete, name="document_delete"),
    path("<int:pk>/ket-qua/", views.result_add, name="result_add"),
    path("<int:pk>/ket-qua/<int:result_pk>/xoa/", views.result_delete, name="result_delete"),
    path("<int:pk>/ket-luan/", views.conclusion_add, name="conclusion_add"),
    path("<int:pk>/ket-luan/<int:conclusion_pk>/nhiem-vu/", views.task_add, name="task_add"),
    path("nhiem-vu/", task_views.task_list, name="task_list"),
    path("nhiem-vu/<int:pk>/", task_views.task_detail, name="task_detail"),
    path("nhiem-vu/<int:pk>/bao-cao/", task_views.task_report, name="task_report"),
    path("nhiem-vu/<int:pk>/xac-nhan/", task_views.task_confirm, name="task_confirm"),
    path("nhiem-vu/<int:pk>/tra-lai/", task_views.task_reopen, name="task_reopen"),
    path("nhiem-vu/<int:pk>/xoa/", task_views.task_delete, name="task_delete"),
    path(
        "nhiem-vu/<int:pk>/bao-cao/<int:report_pk>/tai-lieu/",
        task_views.evidence_download,
        name="evidence_download",
    ),
]
