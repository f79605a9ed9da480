"""Prometheus metrics: requests by route and status, request latency, decisions by outcome.

Each app has its own registry, so several apps in one process (tests) never collide, and the
labels use the route template (``/api/v1/communities/{community_id}``), never the raw path, so
ids cannot blow up the series count or leak into the metrics.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

#: One line per request with the route template only: no ids, no query string (a name search
#: would otherwise put residents' names in the log), no headers.
access_log = logging.getLogger("menwei.access")

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class ServerMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "menwei_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "menwei_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.decisions = Counter(
            "menwei_decisions",
            "Access decisions reported by gate devices, by outcome.",
            ["outcome"],
            registry=self.registry,
        )
        self.events_ingested = Counter(
            "menwei_events_ingested",
            "Passage events stored from device uploads (duplicates not counted).",
            registry=self.registry,
        )

    def exposition(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class MetricsMiddleware:
    """Pure ASGI middleware: cheaper than ``BaseHTTPMiddleware`` on the hot ingest path."""

    def __init__(self, app: Any, metrics: ServerMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def send_wrapper(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope.get("method", "")
            took = time.perf_counter() - started
            self.metrics.requests.labels(template, method, status["code"]).inc()
            self.metrics.latency.labels(template).observe(took)
            access_log.info("%s %s %s %.1fms", method, template, status["code"], took * 1000)
