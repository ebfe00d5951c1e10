from django.urls import path

from kiemsat.accounts import views

urlpatterns = [
    path("", views.account, name="account"),
    path("xac-thuc-hai-lop/", views.second_factor_enrol, name="second_factor_enrol"),
    path("xac-thuc-hai-lop/tat/", views.second_factor_remove, name="second_factor_remove"),
    path("ma-du-phong/", views.recovery_codes_renew, name="recovery_codes_renew"),
    path("nhap-ma/", views.second_factor_verify, name="second_factor_verify"),
]
