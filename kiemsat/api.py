"""The JSON API under /api/ (OpenAPI docs at /api/docs); session authentication."""

from ninja import NinjaAPI
from ninja.security import django_auth

from kiemsat.agreements.api import router as agreements_router
from kiemsat.indicators.api import router as indicators_router
from kiemsat.oversight.api import router as oversight_router

api = NinjaAPI(
    title="kiemsat API",
    version="1",
    description="Dữ liệu của các đơn vị trong phạm vi quyền của người dùng.",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/", indicators_router)
api.add_router("/", agreements_router)
api.add_router("/", oversight_router)
