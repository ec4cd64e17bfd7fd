"""A new snapshot's serving file is read at the next request; requests in flight finish
on the file they started on; a serving file the API made for itself goes with its
snapshot."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from pipeline_company import DUPONT, Built, publish

from api.profile import profile_json
from api.snapshot import SnapshotManager
from kernel.serving_contract import serving_path
from kernel.settings import Settings
from warehouse.serving import serving_for_snapshot


def _name(reader) -> str:  # type: ignore[no-untyped-def]
    return str(json.loads(profile_json(reader, DUPONT))["name"])


def test_in_flight_request_keeps_its_serving_file(settings: Settings, company: Built) -> None:
    # Published without its serving file: the API makes one for itself.
    publish(settings.snapshots_dir, company.snapshots["night2"], with_serving=False)
    manager = SnapshotManager(settings.snapshots_dir, serving_for_snapshot)
    with manager.reader() as old_reader:
        made = old_reader.snapshot.own_serving
        assert made is not None and made.exists()
        renamed = publish(settings.snapshots_dir, company.snapshots["renamed"])
        # The very next request reads the new snapshot.
        with manager.reader() as new_reader:
            assert new_reader.build_id == renamed.stem
            assert _name(new_reader) == "Dupont & Fils"
        assert _name(old_reader) == "Dupont SARL"
    # The old snapshot is closed once its last request ended, its own serving file removed.
    assert not made.exists()
    manager.close()


def test_without_a_maker_a_snapshot_lacking_its_serving_file_is_not_served(
    settings: Settings, company: Built
) -> None:
    # The API alone cannot build (only the composition root gives it the build's maker):
    # it keeps serving what it served and does not switch to a file it cannot read by key.
    first = publish(settings.snapshots_dir, company.snapshots["night2"])
    manager = SnapshotManager(settings.snapshots_dir)
    with manager.reader() as reader:
        assert reader.build_id == first.stem
    publish(settings.snapshots_dir, company.snapshots["renamed"], with_serving=False)
    with manager.reader() as reader:
        assert reader.build_id == first.stem
        assert _name(reader) == "Dupont SARL"
    manager.close()


def test_published_serving_file_is_used_as_is(settings: Settings, company: Built) -> None:
    # As the build leaves it: the serving file beside the snapshot before CURRENT names it.
    path = publish(settings.snapshots_dir, company.snapshots["night2"])
    assert serving_path(path).exists()
    manager = SnapshotManager(settings.snapshots_dir)
    with manager.reader() as reader:
        assert reader.snapshot.own_serving is None
        assert reader.snapshot.serving == serving_path(path)
        assert _name(reader) == "Dupont SARL"
    manager.close()


def test_threads_read_at_once_across_a_switch(settings: Settings, company: Built) -> None:
    publish(settings.snapshots_dir, company.snapshots["night2"])
    manager = SnapshotManager(settings.snapshots_dir)

    def read(i: int) -> str:
        if i == 30:
            publish(settings.snapshots_dir, company.snapshots["renamed"])
        with manager.reader() as reader:
            return _name(reader)

    with ThreadPoolExecutor(max_workers=8) as pool:
        names = list(pool.map(read, range(80)))
    # Readers during the switch see one snapshot or the other, never an error or a mix.
    assert set(names) <= {"Dupont SARL", "Dupont & Fils"}
    assert "Dupont SARL" in names
    with manager.reader() as reader:
        assert _name(reader) == "Dupont & Fils"
    manager.close()
