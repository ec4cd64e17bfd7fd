"""Every worker serves a newly published snapshot from its next request on (each worker
process has its own SnapshotManager: two managers over one folder stand for two
workers), while the requests each had in flight finish on the old one."""

from __future__ import annotations

from pathlib import Path

from snapshot_fixture import BUILD_1, BUILD_2, DUPONT, publish_snapshot

from api import serving
from api.snapshot import SnapshotManager
from warehouse.serving import serving_for_snapshot, serving_path
from warehouse.settings import Settings


def _publish(folder: Path, build_id: str, **kwargs: str) -> None:
    """As the build does: the serving file beside the snapshot before CURRENT names it."""
    path = publish_snapshot(folder, build_id, **kwargs)
    made = serving_for_snapshot(path)
    made.rename(serving_path(path))


def _name(reader) -> str:  # type: ignore[no-untyped-def]
    doc = serving.customer_doc(reader.lite, DUPONT)
    assert doc is not None
    return str(doc["name"])


def test_every_worker_switches_at_its_next_request(settings: Settings) -> None:
    _publish(settings.snapshots_dir, BUILD_1)
    workers = [SnapshotManager(settings.snapshots_dir) for _ in range(2)]
    in_flight = [w.reader() for w in workers]
    old = [r.__enter__() for r in in_flight]
    assert [r.build_id for r in old] == [BUILD_1, BUILD_1]
    assert not any(w.stale() for w in workers)

    # A snapshot published by the build (its serving file already beside it, so opening
    # it is two file opens, no work).
    _publish(settings.snapshots_dir, BUILD_2, dupont_name="Dupont Nouveau")
    assert all(w.stale() for w in workers)
    for worker in workers:
        with worker.reader() as reader:
            assert reader.build_id == BUILD_2
            assert reader.snapshot.own_serving is None
            assert _name(reader) == "Dupont Nouveau"
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
