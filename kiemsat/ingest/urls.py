from django.urls import path

from kiemsat.ingest import views

article_urls = [
    path("", views.article_list, name="article_list"),
    path("doc/", views.article_create, name="article_create"),
    path("<int:pk>/", views.article_detail, name="article_detail"),
    path("<int:pk>/xac-nhan/", views.article_confirm, name="article_confirm"),
    path("<int:pk>/huy/", views.article_discard, name="article_discard"),
    path("<int:pk>/tep/", views.article_file, name="article_file"),
]

press_urls = [
    path("", views.press_list, name="press_list"),
    path("moi/", views.press_create, name="press_create"),
    path("<int:pk>/", views.press_detail, name="press_detail"),
    path("<int:pk>/sua/", views.press_edit, name="press_edit"),
    path("<int:pk>/da-xu-ly/", views.press_done, name="press_done"),
]
