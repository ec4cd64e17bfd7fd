"""SIGKILL at named points of a real `c360 nightly`: the served snapshot stays whole.

Each test starts `c360 nightly` as a subprocess with C360_TEST_KILL_AT naming one point
(kernel/killpoint.py); the process kills itself there with SIGKILL, the way the OOM
killer or a power cut would stop it (no handler, no `finally`). A real `c360 api`
(uvicorn) serves the data folder the whole time and is read by a poller thread during
the killed run and the run after it. Then:

- after the kill: CURRENT names a complete snapshot (opened by the snapshot reader,
  every customer present) and the API answers from it;
- the next run, without the hook, exits 0 and publishes a new snapshot, which the API
  serves, and leaves no leftover (hidden partial snapshots, pointer temporaries,
  orphan serving files, landing folders of uncommitted runs, reader temp files);
- every answer the poller got was a 200 from a published snapshot.

Before an ingest point, every inbox file gets new bytes (its line endings flipped, which
the readers normalise), so the point is reached in every source. The points run in
order on one data folder, each test leaving a clean published state.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from kernel.killpoint import KILL_ENV
from kernel.settings import Settings, load_settings
from kernel.snapshots import CURRENT, read_pointer
from tests.live_api import run_nightly, running_api
from warehouse.history import build_log

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CUSTOMERS = 12
BAD_FILE = ROOT / "tests" / "data" / "bad" / "hs_companies_mixed_encodings.csv"

# (point, what it interrupts). Ingest in order of a night, then the build and publication.
POINTS = [
    ("cleanup", "removing the leftovers of an earlier killed run"),
    ("land:crm", "after a file's landing copy, before its source's transaction"),
    ("source_transaction:crm", "inside the CRM source's transaction, before commit"),
    ("source_transaction:erp", "inside the ERP source's transaction, before commit"),
    ("source_transaction:compta", "inside the accounting source's transaction"),
    ("quarantine_move", "between a refused file's note and its move to quarantine"),
    ("build_matching", "mid-build, inside the transform transaction"),
    ("build_logged", "after history and the build log, while the serving file is written"),
    ("serving_write", "while the serving file is being written"),
    ("snapshot_rename", "between the serving file's rename and the snapshot's"),
    ("pointer_write", "after the snapshot's rename, before PREVIOUS and CURRENT"),
    ("previous_written", "after PREVIOUS, before CURRENT"),
    ("pointer_replace:CURRENT", "CURRENT's temporary copy written, not yet renamed"),
    ("current_written", "after CURRENT, before old snapshots are pruned"),
    ("prune", "between an old snapshot's deletion and its serving file's"),
]


# Killed with the hidden snapshot still unrenamed.
KILLED_BUILDS = {"build_matching", "build_logged", "serving_write", "snapshot_rename"}
INGEST_POINTS = {p for p, _ in POINTS[: [p for p, _ in POINTS].index("build_matching")]}


@dataclass
class Night:
    root: Path
    settings: Settings
    url: str
    token: str
    customer_id: str
    published: set[str] = field(default_factory=set)

    @property
    def config(self) -> Path:
        return self.root / "c360.toml"

    def current(self) -> str:
        name = read_pointer(self.settings.snapshots_dir, CURRENT)
        assert name is not None
        return name.removesuffix(".duckdb")


def _nightly(night: Night, kill_at: str | None = None) -> subprocess.CompletedProcess[str]:
    extra = {KILL_ENV: kill_at} if kill_at else {}
    return run_nightly(night.config, extra_env=extra)


def _flip_line_endings(inbox_root: Path) -> None:
    """New bytes, same records: CRLF <-> LF (the readers normalise line breaks)."""
    for path in sorted(p for p in inbox_root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if b"\r\n" in data:
            path.write_bytes(data.replace(b"\r\n", b"\n"))
        else:
            path.write_bytes(data.replace(b"\n", b"\r\n"))


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Night]:
    from api.store import add_user, dispose_engines
    from demo_company import generate_demo

    root = tmp_path_factory.mktemp("sigkill")
    generate_demo(root, customers=CUSTOMERS, seed=11)
    config = root / "c360.toml"
    # Prune on every publish, so the prune point is reached.
    config.write_text("snapshots_keep = 2\n" + config.read_text(encoding="utf-8"))
    settings = load_settings(config)
    admin = {"username": "kill-admin", "password": "Kill-point-admin-1"}
    add_user(settings, admin["username"], "admin", admin["password"])
    dispose_engines()
    first = run_nightly(config)
    assert first.returncode == 0, first.stderr
    with running_api(config, admin, workers=1, stop_timeout=10) as (url, token):
        listed = httpx.get(
            f"{url}/api/v1/customers",
            params={"limit": 1},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        night = Night(root, settings, url, token, listed["data"][0]["customer_id"])
        night.published.add(night.current())
        yield night


class Poller(threading.Thread):
    """Reads health and one profile in a loop; keeps every answer."""

    def __init__(self, night: Night) -> None:
        super().__init__(daemon=True)
        self.night = night
        self.stop = threading.Event()
        self.answers: list[tuple[str, int | str, str | None]] = []

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.night.token}"}
        with httpx.Client(base_url=self.night.url, headers=headers, timeout=30) as client:
            while not self.stop.is_set():
                for route in ("/api/v1/health", f"/api/v1/customers/{self.night.customer_id}"):
                    try:
                        resp = client.get(route)
                        snapshot = resp.json().get("snapshot") if resp.is_success else None
                        self.answers.append((route, resp.status_code, snapshot))
                    except httpx.HTTPError as exc:
                        self.answers.append((route, type(exc).__name__, None))
                time.sleep(0.2)


def _served_snapshot_is_whole(night: Night) -> str:
    """CURRENT's snapshot opened by the API's own reader, every customer in it."""
    from api.snapshot import SnapshotManager

    manager = SnapshotManager(night.settings.snapshots_dir)
    try:
        with manager.reader() as reader:
            count = reader.lite.execute("select count(*) from customer_search").fetchone()
            build_id = reader.snapshot.build_id
    finally:
        manager.close()
    assert count is not None and count[0] >= CUSTOMERS
    return build_id


def _api_serves(night: Night, build_id: str) -> None:
    headers = {"Authorization": f"Bearer {night.token}"}
    # A worker keeps serving the old snapshot while one of its requests (the poller's)
    # opens the new one: the switch is due within a second, not at the very next request.
    deadline = time.monotonic() + 5
    while True:
        health = httpx.get(f"{night.url}/api/v1/health").json()
        profile = httpx.get(f"{night.url}/api/v1/customers/{night.customer_id}", headers=headers)
        assert profile.status_code == 200, profile.text
        seen = (health["snapshot"], profile.json()["snapshot"])
        if seen == (build_id, build_id) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert seen == (build_id, build_id)


def _no_leftovers(settings: Settings) -> None:
    snapshots = settings.snapshots_dir
    hidden = [
        p.name for p in snapshots.iterdir() if p.name.startswith(".") and "lock" not in p.name
    ]
    assert hidden == []
    orphans = [
        p.name
        for p in snapshots.glob("*.serving.*")
        if not p.with_name(p.name.partition(".serving.")[0]).exists()
    ]
    assert orphans == []
    unfinished = [
        str(run)
        for run in settings.landing_dir.glob("*/*")
        if run.is_dir() and not (run / "manifest.json").exists()
    ]
    assert unfinished == []
    tmp = settings.data_dir / "tmp"
    assert not tmp.exists() or [p for p in tmp.iterdir() if p.is_file()] == []


def _prepare(night: Night, point: str) -> None:
    if point in INGEST_POINTS:
        _flip_line_endings(night.root / "inbox")
    if point == "cleanup":
        # What two killed runs left: their landing folders (no manifest), a temp file.
        for run in ("20260101T000000000000Z", "20260101T000000000001Z"):
            folder = night.settings.landing_dir / "crm" / run
            folder.mkdir(parents=True)
            (folder / "companies.csv").write_text("id\n1\n", encoding="utf-8")
        tmp = night.settings.data_dir / "tmp"
        tmp.mkdir(exist_ok=True)
        (tmp / "x.records.ndjson").write_text("{}\n", encoding="utf-8")
    if point == "quarantine_move":
        shutil.copy(BAD_FILE, night.root / "inbox" / "hubspot" / "companies_extra.csv")


@pytest.mark.parametrize("point", [p for p, _ in POINTS], ids=[p for p, _ in POINTS])
def test_sigkill_at_point_keeps_the_served_snapshot_and_the_next_run_recovers(
    night: Night, point: str
) -> None:
    _prepare(night, point)
    served = night.current()
    poller = Poller(night)
    poller.start()
    try:
        killed = _nightly(night, kill_at=point)
        assert killed.returncode == -signal.SIGKILL, (
            f"{point} was never reached (exit {killed.returncode}): {killed.stderr[-2000:]}"
        )
        # The served snapshot after the kill: the one before, or (killed after CURRENT
        # was written) the new one; either way whole and served.
        after_kill = _served_snapshot_is_whole(night)
        assert after_kill == night.current()
        if after_kill != served:
            assert point in ("current_written", "prune"), after_kill
        night.published.add(after_kill)
        _api_serves(night, after_kill)

        recovered = _nightly(night)
        expected = 3 if point == "quarantine_move" else 0  # the refused file, this time moved
        assert recovered.returncode == expected, recovered.stdout[-3000:] + recovered.stderr
        new = night.current()
        assert new > after_kill
        assert _served_snapshot_is_whole(night) == new
        night.published.add(new)
        _api_serves(night, new)
        _no_leftovers(night.settings)
        if point in KILLED_BUILDS:
            # The killed build is in the build log as failed, recorded by the next one.
            killed_row, new_row = build_log(night.settings.history_db)[1::-1]
            assert (new_row["build_id"], new_row["status"]) == (new, "published")
            assert killed_row["status"] == "failed", killed_row
            assert killed_row["message"].startswith("interrupted"), killed_row
        if point == "quarantine_move":
            assert not (night.root / "inbox" / "hubspot" / "companies_extra.csv").exists()
            assert (night.settings.data_dir / "quarantine" / "crm").is_dir()
    finally:
        poller.stop.set()
        poller.join(timeout=30)
    failed = [a for a in poller.answers if a[1] != 200]
    assert failed == [], failed[:5]
    assert poller.answers, "the poller read nothing"
    assert {a[2] for a in poller.answers} <= night.published
