from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kiemsat.accounts.views import SignInView
from kiemsat.api import api
from kiemsat.ingest.urls import article_urls, press_urls

admin.site.site_header = "kiemsat – Quản trị"
admin.site.site_title = "kiemsat"
admin.site.index_title = "Dữ liệu danh mục"

urlpatterns = [
    path("dang-nhap/", SignInView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("tai-khoan/", include("kiemsat.accounts.urls")),
    path("quan-tri/", admin.site.urls),
    path("api/", api.urls),
    path("chi-tieu/nhap/", include("kiemsat.indicators.entry_urls")),
    path("chi-tieu/giao/", include("kiemsat.indicators.quota_urls")),
    path("chi-tieu/", include("kiemsat.indicators.urls")),
    path("van-ban-phoi-hop/", include("kiemsat.agreements.urls")),
    path("khang-nghi-kien-nghi/", include("kiemsat.oversight.urls")),
    path("thi-dua/", include("kiemsat.emulation.urls")),
    path("tin-bai/", include(article_urls)),
    path("thong-tin-bao-chi/", include(press_urls)),
    path("hoi-nghi/", include("kiemsat.meetings.urls")),
    path("", include("kiemsat.org.urls")),
]
