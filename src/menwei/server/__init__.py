"""The FastAPI application: REST API, auth and roles, web pages, i18n."""

from menwei.server.app import create_app

__all__ = ["create_app"]
