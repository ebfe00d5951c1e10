"""The JSON API under /api/ (OpenAPI docs at /api/docs); session authentication."""

from django.contrib.auth.decorators import login_required
from ninja import NinjaAPI, Swagger
from ninja.openapi.docs import ABS_TPL_PATH
from ninja.security import django_auth

from kiemsat.agreements.api import router as agreements_router
from kiemsat.emulation.api import router as emulation_router
from kiemsat.indicators.api import router as indicators_router
from kiemsat.ingest.api import router as ingest_router
from kiemsat.lib.api import install_error_handlers, refuse_unknown_parameters
from kiemsat.meetings.api import router as meetings_router
from kiemsat.oversight.api import router as oversight_router


class OfflineSwagger(Swagger):
    """ninja's own Swagger page, not its CDN one. ninja picks the CDN page unless "ninja" is
    in INSTALLED_APPS (which would import it at every start-up); settings put its templates
    and static files on Django's paths instead."""

    template_cdn = str(ABS_TPL_PATH / "swagger.html")
    default_settings = {**Swagger.default_settings, "validatorUrl": None}  # no outside badge


api = NinjaAPI(
    title="kiemsat API",
    version="1",
    description=(
        "Dữ liệu của các đơn vị trong phạm vi quyền của người dùng. Đăng nhập trên trang web "
        'trước; mọi lỗi trả về {"detail": "…"} bằng tiếng Việt.'
    ),
    auth=django_auth,
    urls_namespace="api",
    docs=OfflineSwagger(),
    docs_decorator=login_required,
)
install_error_handlers(api)
api.add_decorator(refuse_unknown_parameters, mode="view")
api.add_router("/", indicators_router)
api.add_router("/", agreements_router)
api.add_router("/", oversight_router)
api.add_router("/", emulation_router)
api.add_router("/", ingest_router)
api.add_router("/", meetings_router)
