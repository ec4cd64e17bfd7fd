"""Every worker serves a newly published snapshot from its next request on (each worker
process has its own SnapshotManager: two managers over one folder stand for two
workers), while the requests each had in flight finish on the old one."""

from __future__ import annotations

import json
from typing import Any

from pipeline_company import DUPONT, Built, publish

from api.profile import profile_json
from api.snapshot import SnapshotManager
from kernel.settings import Settings


def _name(reader: Any) -> str:
    return str(json.loads(profile_json(reader, DUPONT))["name"])


def test_every_worker_switches_at_its_next_request(settings: Settings, company: Built) -> None:
    # Two nights of the real pipeline, published as the build does (the serving file
    # beside the snapshot before CURRENT names it).
    build_1, build_2 = company.build_id("night2"), company.build_id("renamed")
    publish(settings.snapshots_dir, company.snapshots["night2"])
    workers = [SnapshotManager(settings.snapshots_dir) for _ in range(2)]
    in_flight = [w.reader() for w in workers]
    old = [r.__enter__() for r in in_flight]
    assert [r.build_id for r in old] == [build_1, build_1]
    assert not any(w.stale() for w in workers)

    # A snapshot published by the build (its serving file already beside it, so opening
    # it is two file opens, no work).
    publish(settings.snapshots_dir, company.snapshots["renamed"])
    assert all(w.stale() for w in workers)
    for worker in workers:
        with worker.reader() as reader:
            assert reader.build_id == build_2
            assert reader.snapshot.own_serving is None
            assert _name(reader) == "Dupont & Fils"
        assert not worker.stale()
    # The requests in flight still read the snapshot they started on...
    assert [_name(r) for r in old] == ["Dupont SARL", "Dupont SARL"]
    retired = [r.snapshot for r in old]
    assert all(s.retired for s in retired)
    for ctx in in_flight:
        ctx.__exit__(None, None, None)
    # ...and each worker closes it once its last request ended.
    for snap in retired:
        assert snap.users == 0
    for worker in workers:
        worker.close()
