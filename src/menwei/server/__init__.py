"""The FastAPI application: REST API, auth and roles, web pages, i18n."""
