"""Prometheus metrics of one API process (prometheus-client, its own registry per app).

Requests by route template (never the raw path: ids would make a series per customer)
and status, latency histograms by route, and at each scrape the served snapshot's age
and each source's last successful load with its rows loaded and rejected."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

from api.observe import Freshness

# Seconds; a read is tens of milliseconds, a sign-in (bcrypt) a few hundred.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _SnapshotCollector:
    def __init__(self, freshness: Freshness) -> None:
        self.freshness = freshness

    def describe(self) -> list[Metric]:
        return []  # collected at scrape time only

    def collect(self) -> Iterator[Metric]:
        snap = self.freshness.snapshot()
        age = GaugeMetricFamily(
            "c360_snapshot_age_seconds", "Seconds since the served snapshot was published."
        )
        if snap is not None:
            age.add_metric([], self.freshness.age_seconds(snap) or 0.0)
        yield age
        last = GaugeMetricFamily(
            "c360_source_last_success_timestamp_seconds",
            "When each source last loaded, per the served snapshot (Unix time).",
            labels=["source"],
        )
        loaded = GaugeMetricFamily(
            "c360_source_rows_loaded",
            "Rows loaded by each source's last successful run.",
            labels=["source"],
        )
        rejected = GaugeMetricFamily(
            "c360_source_rows_rejected",
            "Rows rejected by each source's last successful run.",
            labels=["source"],
        )
        for row in self.freshness.sources(snap):
            if row["last_success"] is not None:
                last.add_metric([row["source"]], row["last_success"].timestamp())
            loaded.add_metric([row["source"]], row["rows_loaded"])
            rejected.add_metric([row["source"]], row["rows_rejected"])
        yield from (last, loaded, rejected)


class Metrics:
    def __init__(self, freshness: Freshness) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "c360_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "c360_http_request_duration_seconds",
            "Time to answer, by method and route template.",
            ["method", "route"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_SnapshotCollector(freshness))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
