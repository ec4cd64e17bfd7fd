"""The `c360` command line: demo, ingest, build, nightly, serve, users, sources, schedule.

The composition root of c360: it reads Settings once and hands them to each layer.
Exit status 0 on success, non-zero with a one-line reason on failure.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
import typer.core
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from api.roles import USER_ROLES
from kernel.errors import C360Error, CommandFailed, describe
from kernel.settings import Settings, SourceConfig, load_settings

logger = logging.getLogger(__name__)


class _OneWayToFail(typer.core.TyperGroup):
    """Every command fails the same way: one line (what happened — what to do) on stderr
    and a non-zero exit status; the traceback only with `--verbose`.

    Wrapping the root group's invoke covers every command and sub-command, since they
    all run inside it."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
            raise  # typer's own exits and usage errors keep their status and text
        except C360Error as exc:
            _report(exc, exc.one_line())
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:
            _report(exc, f"unexpected {_one_line(exc)} — run again with --verbose for details")
            raise typer.Exit(1) from None


def _report(exc: BaseException, line: str) -> None:
    logger.debug("command failed", exc_info=exc)
    if _verbose:
        err.print_exception()
    err.print(f"[red]error:[/red] {escape(line)}", soft_wrap=True)


app = typer.Typer(
    cls=_OneWayToFail,
    no_args_is_help=True,
    add_completion=False,
    help="c360: one screen per customer.",
)
user_app = typer.Typer(no_args_is_help=True, help="Manage users and API keys.")
sources_app = typer.Typer(no_args_is_help=True, help="Inspect configured sources.")
app.add_typer(user_app, name="user")
match_app = typer.Typer(no_args_is_help=True, help="Steward decisions on matching.")
app.add_typer(sources_app, name="sources")
app.add_typer(match_app, name="match")
privacy_app = typer.Typer(no_args_is_help=True, help="Personal data: erase a contact person.")
app.add_typer(privacy_app, name="privacy")
console = Console()
err = Console(stderr=True)

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="c360.toml (default: $C360_CONFIG or ./c360.toml)"),
]


_log_level = logging.WARNING
_verbose = False


def _settings(config: Path | None) -> Settings:
    from kernel.logs import configure_logging

    settings = load_settings(config)
    if settings.log_json:
        configure_logging(_log_level, json_lines=True)
    _owner_only(settings)
    return settings


def _owner_only(settings: Settings) -> None:
    """Everything c360 writes (landing, staging, snapshots, app.db with its password
    hashes, the signing key) is readable by its owner only: files 0600, folders 0700.
    The umask covers what this process creates; the data folder's own mode, and the
    chmod of the stores an older version left 0644, cover what is already there."""
    os.umask(0o077)
    try:
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        settings.data_dir.chmod(0o700)
        for path in (settings.app_db, settings.staging_db, settings.history_db):
            if path.exists() and path.stat().st_mode & 0o077:
                path.chmod(0o600)
    except OSError as exc:
        _fail(f"cannot secure the data folder {settings.data_dir}: {exc.strerror}")


def _fail(message: str, code: int = 1) -> NoReturn:
    """End the command with one line; printed by the root group like any C360Error."""
    raise CommandFailed(message, code)


@app.callback()
def main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="info logs, and a failure's traceback")
    ] = False,
) -> None:
    from kernel.logs import configure_logging

    global _log_level, _verbose
    _verbose = verbose
    _log_level = logging.INFO if verbose else logging.WARNING
    configure_logging(_log_level, json_lines=False)


def run_ingest(settings: Settings, only: list[str] | None = None) -> bool | None:
    """Fetch API sources, then land, load and validate every source: True when nothing
    failed, False when files were refused (or a fetch failed), None when a source failed
    as a whole (rolled back; the sources after it were not read)."""
    from ingest.fetch import fetch_sources, save_watermarks
    from ingest.pipeline import inbox_files, ingest
    from ingest.report import print_report

    fetched = fetch_sources(settings, only)
    for name, message in fetched.errors.items():
        err.print(f"[red]fetch {name} failed:[/red] {message}")

    def files_for(source: SourceConfig) -> list[tuple[Path, str]]:
        return inbox_files(source, settings) + fetched.files.get(source.name, [])

    plan = {s.name: files_for(s) for s in settings.sources if not only or s.name in only}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} files"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=sum(len(v) for v in plan.values()) or 1)

        def progress(source: str, file: str) -> None:
            bar.update(task, advance=1, description=f"{source}: {file}")

        try:
            result = ingest(settings, only, progress=progress, files_for=files_for)
        except Exception as exc:  # a source that failed is rolled back and recorded
            err.print(f"[red]ingest failed:[/red] {_one_line(exc)}", soft_wrap=True)
            return None
    print_report(result, console)
    save_watermarks(settings, fetched, {o.source for o in result.refused})
    return result.ok and not fetched.errors


def _one_line(exc: BaseException) -> str:
    """An exception for a person: its kind and first line (the log has the rest)."""
    logging.getLogger(__name__).debug("ingest failed", exc_info=exc)
    return describe(exc)


def run_build(settings: Settings) -> bool:
    from warehouse.build import BuildError, build

    try:
        with console.status("building snapshot…") as status:
            result = build(settings, progress=lambda msg: status.update(msg))
    except BuildError as exc:  # recorded in the build log; the traceback is in the log
        err.print(
            f"[red]not published:[/red] {exc}; the previous snapshot is still served",
            soft_wrap=True,
        )
        return False
    if result.published:
        console.print(f"[green]published[/green] snapshot {result.build_id} ({result.message})")
        return True
    err.print(f"[red]build {result.build_id} not published:[/red] {result.message}", soft_wrap=True)
    return False


@app.command()
def ingest(
    config: ConfigOpt = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="only this source")
    ] = None,
) -> None:
    """Land, load and validate every source's extracts."""
    settings = _settings(config)
    if source:
        unknown = [s for s in source if s not in {x.name for x in settings.sources}]
        if unknown:
            _fail(f"unknown source {', '.join(unknown)}")
    from c360.nightly import EXIT_REFUSALS

    with _not_during_nightly(settings):
        ingested = run_ingest(settings, source)
    if ingested is None:
        _fail("ingest failed (see above); what was loaded before it is kept")
    if not ingested:
        _fail(
            "some files were refused (see above, now in data/quarantine); the others were loaded",
            EXIT_REFUSALS,
        )


@app.command()
def build(config: ConfigOpt = None) -> None:
    """Resolve identities, build marts, check and publish a snapshot."""
    settings = _settings(config)
    with _not_during_nightly(settings):
        built = run_build(settings)
    if not built:
        raise typer.Exit(1)


@contextmanager
def _not_during_nightly(settings: Settings) -> Iterator[None]:
    """`c360 ingest` and `c360 build` by hand take the nightly's lock: one line, not a
    DuckDB lock error, when the nightly job is running."""
    from filelock import Timeout

    from c360.nightly import EXIT_BUSY, nightly_lock

    try:
        lock = nightly_lock(settings).acquire(timeout=0)
    except Timeout:
        _fail("the nightly job is running (lock held); try again when it ends", EXIT_BUSY)
    with lock:
        yield


@app.command()
def nightly(config: ConfigOpt = None) -> None:
    """Ingest then build: the job a scheduler runs."""
    from c360.nightly import run_nightly

    ok, message, code = run_nightly(_settings(config), run_ingest, run_build, run_after_publish)
    if not ok:
        _fail(message, code)


def _after_publish_step(
    what: str,
    run: Callable[[], Any],
    known: tuple[type[Exception], ...],
    show: Callable[[Any, Console], None],
) -> bool:
    """One step after a publish (write-back, digest): False when it failed or could not
    start; never raises, so a nightly goes on and the next night tries again."""
    try:
        result = run()
    except known as exc:
        err.print(f"[red]{what} not done:[/red] {exc}", soft_wrap=True)
        return False
    except Exception as exc:  # the night goes on; the log has the traceback
        logging.getLogger(__name__).warning("%s failed", what, exc_info=exc)
        err.print(f"[red]{what} failed:[/red] {_one_line(exc)}", soft_wrap=True)
        return False
    show(result, console)
    return bool(result.ok)


def run_writeback(settings: Settings, only: list[str] | None = None, dry_run: bool = False) -> bool:
    """Write the changed CRM fields (ingest/writeback/)."""
    from ingest.writeback import WritebackConfigError
    from ingest.writeback import run_writeback as write_crm
    from ingest.writeback.report import print_writeback
    from ingest.writeback.state import WritebackStoreError

    return _after_publish_step(
        "write-back",
        lambda: write_crm(settings, only=only, dry_run=dry_run, env=os.environ),
        (WritebackConfigError, WritebackStoreError),
        print_writeback,
    )


def run_digest(settings: Settings, users: list[str] | None = None, dry_run: bool = False) -> bool:
    """Compose and send the salespeople's digests (warehouse/digest/)."""
    from warehouse.digest import DigestError
    from warehouse.digest import run_digest as send_digests
    from warehouse.digest.report import print_digest

    return _after_publish_step(
        "digest",
        lambda: send_digests(settings, env=os.environ, dry_run=dry_run, users=users),
        (DigestError,),
        print_digest,
    )


def run_after_publish(settings: Settings) -> bool:
    """The nightly's steps after a publish, each when its setting asks for it."""
    wrote = run_writeback(settings) if settings.writeback.after_nightly else True
    told = run_digest(settings) if settings.digest.after_nightly else True
    return wrote and told


@app.command()
def digest(
    config: ConfigOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="show what each person would receive; send nothing")
    ] = False,
    user: Annotated[list[str] | None, typer.Option("--user", "-u", help="only this user")] = None,
) -> None:
    """Send each salesperson the alerts of their customers that are new or changed."""
    from c360.nightly import EXIT_WRITEBACK

    settings = _settings(config)
    with _not_during_nightly(settings):
        ok = run_digest(settings, user, dry_run)
    if not ok:
        _fail("some digests were not sent (see above); they go again next run", EXIT_WRITEBACK)


@app.command()
def writeback(
    config: ConfigOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="show what would change; send nothing")
    ] = False,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="only this source")
    ] = None,
) -> None:
    """Write balances, alerts and the 360° link onto the CRM records (what changed only)."""
    from c360.nightly import EXIT_WRITEBACK
    from ingest.writeback import WritebackConfigError, writeback_sources

    settings = _settings(config)
    try:
        if not writeback_sources(settings, source):
            _fail(
                "no source has a [sources.writeback] section: nothing to write (docs/writeback.md)"
            )
    except WritebackConfigError as exc:
        _fail(str(exc))
    with _not_during_nightly(settings):
        ok = run_writeback(settings, source, dry_run)
    if not ok:
        _fail("some CRM writes failed (see above); they are sent again next run", EXIT_WRITEBACK)


@app.command()
def rollback(config: ConfigOpt = None) -> None:
    """Point CURRENT back at the previous good snapshot."""
    from warehouse.publish import rollback as do_rollback
    from warehouse.publish import rollback_plan

    settings = _settings(config)
    try:
        current, _, via = rollback_plan(settings.snapshots_dir)
        target = do_rollback(settings)
    except OSError as exc:  # a PublishError is a C360Error: the root group prints it
        _fail(str(exc))
    console.print(
        f"rolled back: CURRENT now serves {target.name} (was {current.name}; followed {via})",
        soft_wrap=True,
    )


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="folder for the demo company")] = Path("demo"),
    customers: Annotated[int, typer.Option("--customers", min=10)] = 2000,
    seed: Annotated[int, typer.Option("--seed")] = 42,
    dirt: Annotated[float, typer.Option("--dirt", help="scale of data-quality problems")] = 1.0,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD")] = None,
    run: Annotated[bool, typer.Option("--run/--no-run", help="run the nightly job on it")] = True,
    ledger: Annotated[
        str,
        typer.Option(
            "--ledger",
            help="customer accounts in the FEC: auxiliary (411000 + CompAuxNum) "
            "or per-account (one 411 general account per customer)",
        ),
    ] = "auxiliary",
    coded_accounts: Annotated[
        float,
        typer.Option(
            "--coded-accounts",
            min=0.0,
            max=1.0,
            help="per-account: share of accounts embedding the customer code (411<code>); "
            "the others link by name",
        ),
    ] = 0.7,
    unlettered: Annotated[
        float,
        typer.Option(
            "--unlettered",
            min=0.0,
            max=1.0,
            help="share of the year's payments and credit notes left unlettered",
        ),
    ] = 0.0,
    erp: Annotated[
        bool, typer.Option("--erp/--no-erp", help="--no-erp: a CRM and the books only")
    ] = True,
) -> None:
    """Generate a demo company (HubSpot + Odoo + FEC, with known truth) and run the nightly job."""
    from demo_company import Shape, generate_demo

    try:
        shape = Shape(
            ledger=ledger,  # type: ignore[arg-type]  # checked by Shape
            unlettered=unlettered,
            erp=erp,
            coded_accounts=coded_accounts,
        )
    except ValueError as exc:
        _fail(str(exc))
    kwargs = {"as_of": date.fromisoformat(as_of)} if as_of else {}
    summary = generate_demo(out, customers=customers, seed=seed, dirt=dirt, shape=shape, **kwargs)
    console.print(f"demo company written to {out.resolve()}")
    settings = load_settings(out / "c360.toml")
    _owner_only(settings)
    users = _create_demo_users(settings, out / "truth.json")
    if run:
        from c360.nightly import run_nightly

        ok, message, code = run_nightly(settings, run_ingest, run_build)
        if not ok:
            _fail(message, code)
    console.print(f"{summary.companies} companies; config: {(out / 'c360.toml').resolve()}")
    console.print(f"API:       {settings.api_url}/docs   (c360 api -c {out}/c360.toml)")
    console.print(
        f"dashboard: http://127.0.0.1:{settings.dashboard.port}   (c360 dashboard -c {out}/c360.toml)"
    )
    for u in users:
        console.print(f"  login [bold]{u['username']}[/bold] / {u['password']}  ({u['role']})")


def _create_demo_users(settings: Settings, truth_path: Path) -> list[dict[str, str]]:
    import json

    from api.store import add_user

    users: list[dict[str, str]] = json.loads(truth_path.read_text(encoding="utf-8"))["users"]
    for u in users:
        add_user(settings, u["username"], u["role"], u["password"], owner_name=u.get("owner_name"))
    return users


@app.command()
def api(config: ConfigOpt = None) -> None:
    """Serve the JSON API (uvicorn)."""
    from c360.serve_api import serve
    from ingest.push_check import PushChecker

    settings = _settings(config)
    # Pushes are checked with ingest's own profiles; the API layer itself imports no ingest.
    serve(settings, check_push=PushChecker(settings))


@app.command()
def dashboard(config: ConfigOpt = None) -> None:
    """Serve the Streamlit dashboard (talks to the API over HTTP)."""
    from c360.serve_dashboard import run_dashboard

    sys.exit(run_dashboard(_settings(config)))


PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="read the password from the first line of standard input"
    ),
]
PasswordEnv = Annotated[
    str | None,
    typer.Option(
        "--password-env", metavar="VAR", help="read the password from this environment variable"
    ),
]


def _read_password(password: str | None, from_stdin: bool, env_var: str | None) -> str:
    """The new password: --password-stdin, --password-env VAR, --password, else a prompt."""
    import os

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if env_var:
        value = os.environ.get(env_var)
        if value is None:
            _fail(f"the environment variable {env_var} is not set")
        return value or ""
    if password is not None:
        return password
    try:
        # Hidden at a terminal; piped in (no terminal), there is no echo to hide.
        entered: str = typer.prompt(
            "Password", hide_input=sys.stdin.isatty(), confirmation_prompt=True
        )
    except typer.Abort:
        _fail(
            "no password given: type it at the prompt, or use --password-stdin or --password-env VAR"
        )
    return entered


@user_app.command("add")
def user_add(
    name: str,
    role: Annotated[str, typer.Option("--role", help="|".join(USER_ROLES))],
    password: Annotated[
        str | None,
        typer.Option("--password", help="visible to other local users: prefer the prompt"),
    ] = None,
    password_stdin: PasswordStdin = False,
    password_env: PasswordEnv = None,
    owner_name: Annotated[
        str | None, typer.Option("--owner-name", help="CRM owner name (sales)")
    ] = None,
    email: Annotated[
        str | None,
        typer.Option("--email", help="e-mail: ties a sales login to the CRM owner with it"),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Create or update a user of the API and dashboard (a new password ends their sessions)."""
    from api.security import password_problem
    from api.store import add_user

    if role not in USER_ROLES:
        _fail(f"unknown role {role!r}; expected one of {', '.join(USER_ROLES)}")
    settings = _settings(config)
    secret = _read_password(password, password_stdin, password_env)
    problem = password_problem(secret, settings.api.password_min_length)
    if problem:
        _fail(problem)
    if email is not None and "@" not in email:
        _fail(f"--email {email!r} is not an e-mail address")
    add_user(settings, name, role, secret, owner_name=owner_name, email=email)
    console.print(f"user {name} ({role}) saved")


@user_app.command("set")
def user_set(
    name: str,
    email: Annotated[
        str | None, typer.Option("--email", help="digest by e-mail to this address ('' stops it)")
    ] = None,
    webhook: Annotated[
        str | None,
        typer.Option("--webhook", help="digest to this Slack/Teams incoming webhook ('' stops it)"),
    ] = None,
    webhook_kind: Annotated[
        str | None, typer.Option("--webhook-kind", help="slack (default) or teams")
    ] = None,
    language: Annotated[str | None, typer.Option("--language", help="fr or en")] = None,
    config: ConfigOpt = None,
) -> None:
    """How a salesperson receives the morning digest (c360 digest)."""
    from warehouse.digest.subscriptions import set_subscription

    settings = _settings(config)
    try:
        set_subscription(
            settings.app_db,
            name,
            email=email,
            webhook_url=webhook,
            webhook_kind=webhook_kind,
            language=language,
        )
    except (LookupError, ValueError) as exc:
        _fail(str(exc.args[0]) if exc.args else str(exc))
    console.print(f"digest settings of {name} saved")


def _user_change(config: Path | None, action: str, name: str) -> None:
    from api import store

    settings = _settings(config)
    try:
        if action == "unlock":
            store.unlock_user(settings, name)
        else:
            store.set_disabled(settings, name, action == "disabled")
    except LookupError as exc:
        _fail(str(exc))
    console.print(f"user {name} {'unlocked' if action == 'unlock' else action}")


@user_app.command("disable")
def user_disable(name: str, config: ConfigOpt = None) -> None:
    """Refuse a user's sign-ins; their tokens stop working at once."""
    _user_change(config, "disabled", name)


@user_app.command("enable")
def user_enable(name: str, config: ConfigOpt = None) -> None:
    """Let a disabled user sign in again."""
    _user_change(config, "enabled", name)


@user_app.command("unlock")
def user_unlock(name: str, config: ConfigOpt = None) -> None:
    """Unlock a user locked after repeated failed sign-ins."""
    _user_change(config, "unlock", name)


@user_app.command("list")
def user_list(config: ConfigOpt = None) -> None:
    """Users with their role and state (disabled, locked)."""
    from rich.table import Table

    from api import store

    settings = _settings(config)
    table = Table("user", "role", "state", "failed sign-ins")
    for u in store.list_users(settings):
        state = "disabled" if u.disabled else "locked" if store.is_locked(settings, u) else "active"
        table.add_row(u.username, u.role, state, str(u.failed_logins))
    console.print(table)


class _KeyGroup(typer.core.TyperGroup):
    """`c360 user key NAME` still creates a key: a first word that is no subcommand
    means `create`."""

    # ctx: typer's Context (its own click since typer 0.2x, click's before).
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["create", *args]
        return super().parse_args(ctx, args)


key_app = typer.Typer(
    cls=_KeyGroup, no_args_is_help=True, help="Integration API keys: create, list, revoke."
)
user_app.add_typer(key_app, name="key")


@key_app.command("create")
def key_create(
    name: str,
    source: Annotated[str | None, typer.Option("--source")] = None,
    config: ConfigOpt = None,
) -> None:
    """Create an integration API key (for Zapier, Make, Workato); printed once."""
    from api.store import add_api_key

    console.print(add_api_key(_settings(config), name, source))


@key_app.command("list")
def key_list(config: ConfigOpt = None) -> None:
    """Keys by id and name (the secret itself is never stored)."""
    from rich.table import Table

    from api.store import list_api_keys

    table = Table("id", "name", "source", "created", "revoked")
    for k in list_api_keys(_settings(config)):
        revoked = f"{k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else ""
        table.add_row(k.key_id, k.name, k.source or "", f"{k.created_at:%Y-%m-%d %H:%M}", revoked)
    console.print(table)


@key_app.command("revoke")
def key_revoke(
    key: Annotated[str, typer.Argument(help="the key's id (see `key list`), the key, or a name")],
    config: ConfigOpt = None,
) -> None:
    """Revoke a key at once (by id, by the key itself, or every key of a name)."""
    from api.store import revoke_api_keys

    revoked = revoke_api_keys(_settings(config), key)
    if not revoked:
        _fail(f"no live API key with id or name {key!r}")
    for k in revoked:
        console.print(f"revoked key {k.key_id} ({k.name})")


@sources_app.command("check")
def sources_check(config: ConfigOpt = None) -> None:
    """Show, without loading, which file maps to which object and what is missing."""
    from ingest.check import check_sources

    problems = check_sources(_settings(config), console)
    if problems:
        raise typer.Exit(1)


@match_app.command("decide")
def match_decide(
    kind: Annotated[str, typer.Argument(help="always_match | never_match | merge | split")],
    left: Annotated[
        str, typer.Argument(help="source:source_id, or a customer id (merge; split undoes a merge)")
    ],
    right: Annotated[str | None, typer.Argument(help="the other record or customer")] = None,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    config: ConfigOpt = None,
) -> None:
    """Record a steward decision; re-applied at every build from now on."""
    from api.decisions import decide

    made = decide(
        _settings(config), kind.replace("-", "_"), left, right, reason=reason, actor="cli"
    )
    for d in made:
        console.print(
            f"{d.kind}: {d.decision} {d.left_source}:{d.left_source_id} "
            f"~ {d.right_source}:{d.right_source_id}"
        )
    console.print("applied at the next build (`c360 build`)")


@match_app.command("list")
def match_list(config: ConfigOpt = None) -> None:
    """Every steward decision on record."""
    from rich.table import Table

    from api.decisions import list_decisions

    table = Table("when", "kind", "decision", "left", "right", "by", "reason")
    for d in list_decisions(_settings(config)):
        table.add_row(
            f"{d.decided_at:%Y-%m-%d %H:%M}",
            d.kind,
            d.decision,
            f"{d.left_source}:{d.left_source_id}",
            f"{d.right_source}:{d.right_source_id}",
            d.decided_by or "",
            d.reason or "",
        )
    console.print(table)


@privacy_app.command("erase")
def privacy_erase(
    email: Annotated[
        str | None, typer.Option("--email", help="the person's e-mail (any case)")
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="and/or their phone")] = None,
    no_build: Annotated[
        bool, typer.Option("--no-build", help="do not rebuild the snapshot now")
    ] = False,
    config: ConfigOpt = None,
) -> None:
    """Erase a contact person from landing, staging and the next snapshot (invoices and
    ledger lines stay: company records under legal retention)."""
    from ingest.privacy import erase
    from kernel.connection import connect, init_staging

    if not email and not phone:
        _fail("name the person: --email ADDRESS (and/or --phone NUMBER)")
    if email is not None and "@" not in email:
        _fail(f"--email {email!r} is not an e-mail address")
    settings = _settings(config)
    if not settings.staging_db.exists():
        _fail(f"{settings.staging_db} does not exist: nothing to erase")
    with _not_during_nightly(settings):
        con = connect(settings.staging_db, budget=settings.limits)
        try:
            init_staging(con)
            done = erase(con, settings, email, phone)
        finally:
            con.close()
        console.print(
            f"erased: {done.contacts} contact record(s), {done.activities} activity/ticket "
            f"link(s), {len(done.landed_files)} landed file(s) rewritten or deleted; "
            "recorded in meta.erasure (later loads are erased again)",
            soft_wrap=True,
        )
        systems = {s.name: s for s in settings.sources}
        for name, ids in sorted(done.held_by.items()):
            cfg = systems.get(name)
            what = f"{cfg.system}, {cfg.role}" if cfg else "no longer configured"
            console.print(
                f"still held by source {name} ({what}): record(s) {', '.join(ids)}; "
                "erase the person there too",
                soft_wrap=True,
            )
        if not done.held_by:
            console.print("no contact with this address in staging; later loads are erased")
        if not no_build and not run_build(settings):
            _fail("erased from staging and landing, but the snapshot was not rebuilt")
        kept = len(list(settings.snapshots_dir.glob("*.duckdb"))) - (0 if no_build else 1)
        if kept > 0:
            console.print(
                f"{kept} earlier snapshot(s) kept for rollback still hold the person until "
                "they age out (snapshots_keep)",
                soft_wrap=True,
            )


@app.command()
def schedule(config: ConfigOpt = None) -> None:
    """Run the nightly job at the configured cron time, forever, never two at once."""
    from c360.nightly import run_schedule

    run_schedule(_settings(config), run_ingest, run_build, console, run_after_publish)


if __name__ == "__main__":
    app()
