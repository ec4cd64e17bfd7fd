"""One Settings object for the whole of c360, read from c360.toml and C360_* variables.

Read once at the entry point (CLI, API factory) and passed down; nothing else reads
the environment.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from kernel.errors import C360Error

logger = logging.getLogger(__name__)

SYSTEMS = (
    "hubspot",
    "salesforce",
    "dynamics365",
    "sage_x3",
    "sap",
    "oracle_ebs",
    "odoo",
    "fec",
    "generic",
)
# A source's role in the customer view: the one list of them (ROLES is read from it).
Role = Literal["crm", "erp", "accounting"]
ROLES: tuple[Role, ...] = get_args(Role)
SOURCE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# The group of a source's `account_code` pattern that holds the customer code.
ACCOUNT_CODE_GROUP = "code"


def account_code_problem(pattern: str) -> str | None:
    """Why `pattern` cannot extract a customer code from an account number, or None.

    Checked by the engine that will run it (DuckDB's RE2), whose syntax differs from
    Python's `re` (no look-around, no back-references).
    """
    import duckdb

    if f"(?P<{ACCOUNT_CODE_GROUP}>" not in pattern:
        return f"has no group named {ACCOUNT_CODE_GROUP}, e.g. 411(?P<code>.+)"
    con = duckdb.connect()
    try:
        con.execute("select regexp_matches('', $pattern)", {"pattern": pattern})
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        reason = re.sub(r"^([A-Za-z ]+ Error: )?(Pattern failed to parse: )?", "", first)
        return f"is not a valid regular expression ({reason})"
    finally:
        con.close()
    return None


class ApiSourceConfig(BaseModel):
    """Where a connector reads a vendor API; the token itself stays in the environment."""

    base_url: str
    token_env: str | None = None
    objects: list[str] = Field(default_factory=list)
    page_size: int | None = None
    database: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)


# What c360 can write back onto a CRM record (docs/writeback.md); the CRM field each goes
# to is mapped per source, with defaults per system in ingest/writeback/fields.py.
WRITEBACK_KEYS = (
    "outstanding",
    "overdue",
    "oldest_overdue_days",
    "credit_limit",
    "credit_utilisation",
    "last_invoice_date",
    "alert_summary",
    "link",
)


class SourceWritebackConfig(BaseModel):
    """`[sources.writeback]`: its presence (with `enabled`) writes this source's records."""

    enabled: bool = True
    # value key -> the CRM's field name; "" leaves that value out; unset keys keep the
    # system's default field.
    fields: dict[str, str] = Field(default_factory=dict)

    @field_validator("fields")
    @classmethod
    def _keys_ok(cls, v: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(v) - set(WRITEBACK_KEYS))
        if unknown:
            raise ValueError(
                f"unknown write-back value {', '.join(unknown)}; "
                f"expected among {', '.join(WRITEBACK_KEYS)}"
            )
        return v


class SourceConfig(BaseModel):
    name: str
    system: str
    role: Role
    inbox: Path | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    api: ApiSourceConfig | None = None
    extract: Literal["full", "incremental"] = "full"
    expected_frequency_hours: int = 24
    # Which SAP company code (KNB1.BUKRS) gives a customer's terms and which credit control
    # area (KNKK.KKBER) its limit when stand-alone KNB1 / KNKK extracts hold several.
    company_code: str | None = None
    credit_area: str | None = None
    # A regex whose group `code` is the customer code embedded in an account number
    # (FEC per-customer general accounts, e.g. "411(?P<code>.+)").
    account_code: str | None = None
    # Write-back of c360's figures onto this source's CRM records (docs/writeback.md).
    writeback: SourceWritebackConfig | None = None

    @field_validator("name")
    @classmethod
    def _name_ok(cls, v: str) -> str:
        if not SOURCE_NAME.match(v):
            raise ValueError(f"source name {v!r} must match [a-z][a-z0-9_]*")
        return v

    @field_validator("system")
    @classmethod
    def _system_ok(cls, v: str) -> str:
        if v not in SYSTEMS:
            raise ValueError(f"unknown system {v!r}; expected one of {', '.join(SYSTEMS)}")
        return v

    @field_validator("account_code")
    @classmethod
    def _account_code_ok(cls, v: str | None) -> str | None:
        if v is None:
            return v
        problem = account_code_problem(v)
        if problem:
            raise ValueError(f"{v!r} {problem}")
        return v

    @field_validator("columns")
    @classmethod
    def _columns_ok(cls, v: dict[str, str]) -> dict[str, str]:
        for key in v:
            if key.count(".") != 1:
                raise ValueError(
                    f"column override {key!r} must be 'object.field', e.g. 'customer.siret'"
                )
        return v


class MatchingConfig(BaseModel):
    level: Literal["legal_unit", "establishment"] = "legal_unit"
    passes: list[str] = Field(
        default_factory=lambda: ["xref", "legal_id", "contact", "fuzzy", "ledger_name"]
    )
    # Fuzzy-pass blocks: a postcode or a city with the first letters of the normalised
    # name, and a postcode with the first letters of the alphabetically first name word.
    blocking: list[Literal["postcode_name", "city_name", "postcode_sorted"]] = [
        "postcode_name",
        "city_name",
        "postcode_sorted",
    ]
    auto_merge_threshold: float = 0.92
    review_threshold: float = 0.80
    free_mail_domains: list[str] = Field(
        default_factory=lambda: [
            "gmail.com",
            "yahoo.fr",
            "yahoo.com",
            "hotmail.com",
            "hotmail.fr",
            "outlook.com",
            "outlook.fr",
            "live.fr",
            "orange.fr",
            "wanadoo.fr",
            "free.fr",
            "sfr.fr",
            "laposte.net",
            "icloud.com",
            "gmx.fr",
            "aol.com",
        ]
    )


class SurvivorshipConfig(BaseModel):
    """Which system wins each group of fields, in order; the next one fills a gap."""

    relationship: list[Role] = ["crm", "erp", "accounting"]
    money: list[Role] = ["erp", "accounting", "crm"]
    legal_ids: list[Role] = ["erp", "crm", "accounting"]
    # An ERP record means an active customer: its address wins; a prospect has only the CRM.
    coordinates: list[Role] = ["erp", "crm", "accounting"]
    name: list[Role] = ["erp", "crm", "accounting"]


class FecConfig(BaseModel):
    receivable_prefixes: list[str] = Field(default_factory=lambda: ["411", "413", "416", "419"])
    # Sales accounts: their lines in a sales entry give revenue (excl. tax) and, with the
    # entry's receivable line, an invoice when no ERP provides invoices.
    revenue_prefixes: list[str] = Field(default_factory=lambda: ["7"])
    # Deprecated alias of receivables.default_terms_days, still read when that key is unset.
    default_payment_terms_days: int | None = Field(default=None, ge=0)


class ReceivablesConfig(BaseModel):
    # Due date = document date + these days for an item with no due date of its own, no
    # ERP invoice of the same number and a customer without payment terms.
    default_terms_days: int = Field(default=30, ge=0)


class KpiConfig(BaseModel):
    exposure_includes_pipeline: bool = False


class AlertsConfig(BaseModel):
    # An open quote sent (or of unknown status) this many days ago with no answer raises
    # a `quote_unanswered` alert.
    quote_unanswered_days: int = Field(default=30, ge=1)


class WritebackConfig(BaseModel):
    # `c360 nightly` writes the CRM fields after each publish (docs/writeback.md).
    after_nightly: bool = False
    # Lines of the write-back log older than this are deleted at each run (the state of
    # what was last written is kept: only the trace goes).
    log_retention_days: int = Field(default=400, ge=1)


class DigestConfig(BaseModel):
    """The salespeople's morning digest (docs/writeback.md#morning-digest)."""

    # `c360 nightly` sends the digests after each publish (else run `c360 digest`).
    after_nightly: bool = False
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    # STARTTLS before login and sending; off only for a relay on the same machine.
    smtp_starttls: bool = True
    smtp_username: str | None = None
    # The environment variable holding the SMTP password (never the file).
    smtp_password_env: str | None = None
    # A CA bundle to trust for a relay with a private certificate.
    smtp_ca_file: Path | None = None
    sender: str = "c360 <c360@localhost>"
    # An outstanding that rose this much since the last digest is a "balance jump".
    balance_jump_percent: float = Field(default=20.0, gt=0)
    balance_jump_min_amount: float = Field(default=1000.0, ge=0)
    # At most this many lines per digest, the most severe and largest first; the rest are
    # counted ("and N more") with a link to the worklist.
    max_lines: int = Field(default=25, ge=1)


class ScheduleConfig(BaseModel):
    cron: str = "0 2 * * *"


class ApiConfig(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8360
    # Where the dashboard reaches the API; defaults to host:port.
    url: str | None = None
    token_minutes: int = 12 * 60
    # Sign-in throttling (per username and per client address, over a sliding minute)
    # and lockout after consecutive failures; see docs/configuration.md.
    login_per_user_per_minute: int = Field(default=10, ge=1)
    login_per_address_per_minute: int = Field(default=30, ge=1)
    lockout_failures: int = Field(default=10, ge=1)
    # 0: a locked account stays locked until an admin unlocks it.
    lockout_minutes: int = Field(default=15, ge=0)
    password_min_length: int = Field(default=10, ge=8)
    # Worker processes of `c360 api`; 0: one per core.
    workers: int = Field(default=0, ge=0, le=64)
    # Requests of one worker process run at once in its threads (the others wait on its
    # event loop): more threads than this only fight over the GIL.
    request_threads: int = Field(default=2, ge=1, le=64)
    # Profile reads are buffered and written to the audit log at most this late.
    audit_flush_seconds: float = Field(default=1.0, gt=0, le=60)


class DashboardConfig(BaseModel):
    # Listens on this address only; "0.0.0.0" (every interface) must be asked for.
    host: str = "127.0.0.1"
    port: int = 8501
    language: Literal["fr", "en"] = "fr"
    # The address people open the dashboard at (links written to the CRM and in digests);
    # defaults to http://host:port.
    url: str | None = None


class LimitsConfig(BaseModel):
    """What one extract may cost, checked before the expensive work: a file over a limit
    is refused in one line, the rest of the night goes on. The defaults keep the nightly
    under ~1 GB whatever the input; raise them for a known large export."""

    # At most 10 MB: the parser re-reads lines with that ceiling.
    max_line_bytes: int = Field(default=1 << 20, ge=1024, le=10_000_000)
    max_columns: int = Field(default=2_000, ge=1)
    # One value (a cell) longer than this (UTF-8 bytes) makes its row a reject: a line may hold 1 MiB,
    # but sixty 1 MiB company names would be copied by every step of the build.
    max_value_bytes: int = Field(default=100_000, ge=256)
    max_rows_per_file: int = Field(default=20_000_000, ge=1)
    # A spreadsheet's decompressed size (the zip's declared sizes, then the bytes read)
    # and its cells, counted before python-calamine turns each into a Python object.
    spreadsheet_max_bytes: int = Field(default=256 << 20, ge=1024)
    # python-calamine holds the whole sheet (~55 bytes a cell) before the first row is
    # read: 5M cells took the nightly past 1 GB; 2M is 100,000 rows of 20 columns.
    spreadsheet_max_cells: int = Field(default=2_000_000, ge=1)
    # DuckDB's budget in the nightly: memory before it spills to disk, and how much disk.
    duckdb_memory_limit: str = "1GB"
    duckdb_max_temp_size: str = "20GB"
    # Where DuckDB spills; default: next to the database it works on.
    duckdb_temp_directory: Path | None = None


class Settings(BaseSettings):
    """c360 configuration. Relative paths are resolved against the config file's folder."""

    model_config = SettingsConfigDict(env_prefix="C360_", env_nested_delimiter="__", extra="ignore")

    config_path: Path | None = None
    data_dir: Path = Path("data")
    as_of: date | None = None
    currency: str = "EUR"
    # Signs API tokens. Set C360_SECRET_KEY in production; left empty, a random key is
    # made once and kept in data_dir/.secret_key (readable by its owner only).
    secret_key: str = ""
    snapshots_keep: int = 7
    # Logs as one JSON object per line (for a log collector) instead of text.
    log_json: bool = False
    # Landed extracts (personal data) are deleted this many days after their run; unset:
    # kept for ever. Staging keeps what was loaded; the raw.* views lose those files.
    landing_keep_days: int | None = Field(default=None, ge=1)
    sources: list[SourceConfig] = Field(default_factory=list)
    matching: MatchingConfig = Field(default_factory=MatchingConfig)
    survivorship: SurvivorshipConfig = Field(default_factory=SurvivorshipConfig)
    fec: FecConfig = Field(default_factory=FecConfig)
    receivables: ReceivablesConfig = Field(default_factory=ReceivablesConfig)
    kpi: KpiConfig = Field(default_factory=KpiConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    api: ApiConfig = Field(default_factory=ApiConfig)
    dashboard: DashboardConfig = Field(default_factory=DashboardConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    writeback: WritebackConfig = Field(default_factory=WritebackConfig)
    digest: DigestConfig = Field(default_factory=DigestConfig)

    @field_validator("currency")
    @classmethod
    def _currency_ok(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Z]{3}", v):
            raise ValueError(f"currency {v!r} must be an ISO 4217 code such as EUR")
        return v

    @model_validator(mode="after")
    def _resolve(self) -> Settings:
        names = [s.name for s in self.sources]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"source names must be unique; repeated: {', '.join(sorted(dupes))}")
        base = self.config_path.parent if self.config_path else Path.cwd()
        if not self.data_dir.is_absolute():
            self.data_dir = (base / self.data_dir).resolve()
        ca_file = self.digest.smtp_ca_file
        if ca_file is not None and not ca_file.is_absolute():
            self.digest.smtp_ca_file = (base / ca_file).resolve()
        tmp = self.limits.duckdb_temp_directory
        if tmp is not None and not tmp.is_absolute():
            self.limits.duckdb_temp_directory = (base / tmp).resolve()
        for s in self.sources:
            if s.inbox is not None and not s.inbox.is_absolute():
                s.inbox = (base / s.inbox).resolve()
        self._default_terms_alias()
        return self

    def _default_terms_alias(self) -> None:
        """`fec.default_payment_terms_days` still works, unless the new key is also set."""
        old = self.fec.default_payment_terms_days
        if old is None:
            return
        if "default_terms_days" in self.receivables.model_fields_set:
            if old != self.receivables.default_terms_days:
                logger.warning(
                    "fec.default_payment_terms_days (%d) is ignored: "
                    "receivables.default_terms_days (%d) is set",
                    old,
                    self.receivables.default_terms_days,
                )
            return
        logger.warning(
            "fec.default_payment_terms_days is deprecated: "
            "use [receivables] default_terms_days = %d",
            old,
        )
        self.receivables.default_terms_days = old

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats the file, which comes in through init kwargs.
        return (env_settings, init_settings)

    # --- derived locations: the only place that knows the data layout -----------------
    def effective_as_of(self) -> date:
        return self.as_of or date.today()

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    def landing_run_dir(self, source: str, run_id: str) -> Path:
        """One run's landed files of one source, with their manifest.json."""
        return self.landing_dir / source / run_id

    def landed_utf8_dir(self, source: str, run_id: str) -> Path:
        """The UTF-8 copies of the run's landed files that came in another encoding (or
        with CR line breaks), kept for the raw.* views that read them again."""
        return self.landing_run_dir(source, run_id) / ".utf8"

    @property
    def staging_db(self) -> Path:
        return self.data_dir / "staging.duckdb"

    @property
    def snapshots_dir(self) -> Path:
        return self.data_dir / "snapshots"

    @property
    def app_db(self) -> Path:
        return self.data_dir / "app.db"

    @property
    def push_dir(self) -> Path:
        """Records pushed through POST /inbound/{source}: push_dir/<source>/*.json."""
        return self.data_dir / "inbox_push"

    @property
    def quarantine_dir(self) -> Path:
        """Pushed files the night refused, moved aside with their reason: <source>/."""
        return self.data_dir / "quarantine"

    def push_folder(self, source: str) -> Path:
        """Where the API drops the records pushed to one source."""
        return self.push_dir / source

    def quarantine_folder(self, source: str) -> Path:
        """Where one source's refused files are moved, each with its `.reason.txt`."""
        return self.quarantine_dir / source

    @property
    def history_db(self) -> Path:
        """Facts kept across builds (balance history, id registry)."""
        return self.data_dir / "history.duckdb"

    @property
    def writeback_db(self) -> Path:
        """Last values written to each CRM field (DuckDB; written by `c360 writeback`)."""
        return self.data_dir / "writeback.duckdb"

    @property
    def writeback_log_db(self) -> Path:
        """Every CRM write and its result (SQLite: the API reads it while a run writes)."""
        return self.data_dir / "writeback_log.sqlite"

    @property
    def digest_db(self) -> Path:
        """What each salesperson's digests already said (DuckDB; written by `c360 digest`)."""
        return self.data_dir / "digest.duckdb"

    @property
    def dashboard_url(self) -> str:
        base = self.dashboard.url or f"http://{self.dashboard.host}:{self.dashboard.port}"
        return base.rstrip("/")

    @property
    def work_dir(self) -> Path:
        """Scratch files of a run (decoded copies, pushed-record checks); an ingest clears
        what a killed run left there."""
        return self.data_dir / "tmp"

    @property
    def fetched_dir(self) -> Path:
        """Pages the connectors fetched: fetched_dir/<source>/<timestamp>/."""
        return self.data_dir / "fetched"

    def state_file(self, source: str) -> Path:
        """A source's watermark and change cursors, saved once its pages were ingested."""
        return self.data_dir / "state" / f"{source}.watermark.json"

    @property
    def nightly_lock_file(self) -> Path:
        """Held by the nightly job (and by `c360 ingest`/`build` by hand)."""
        return self.data_dir / "nightly.lock"

    @property
    def build_lock_file(self) -> Path:
        """Held by a build, so two never publish into the same snapshots folder."""
        return self.snapshots_dir / ".build.lock"

    def signing_key(self) -> str:
        """The token-signing secret: the configured one, else a persisted random one."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / ".secret_key"
        try:
            return path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            pass
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return path.read_text(encoding="utf-8").strip()
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(key)
        return key

    @property
    def api_url(self) -> str:
        return self.api.url or f"http://{self.api.host}:{self.api.port}"

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(f"no source named {name!r} in the configuration")


def find_config(explicit: Path | None = None) -> Path | None:
    """--config, else C360_CONFIG, else ./c360.toml when present."""
    if explicit is not None:
        return explicit
    env = os.environ.get("C360_CONFIG")
    if env:
        return Path(env)
    here = Path.cwd() / "c360.toml"
    return here if here.exists() else None


class ConfigError(C360Error):
    """The configuration file is missing or invalid."""

    hint = "fix c360.toml (every setting is described in docs/configuration.md)"


def load_settings(path: Path | None = None) -> Settings:
    cfg = find_config(path)
    data: dict[str, Any] = {}
    if cfg is not None:
        cfg = cfg.resolve()
        if not cfg.exists():
            raise ConfigError(f"config file {cfg} does not exist")
        try:
            data = tomllib.loads(cfg.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{cfg}: invalid TOML: {exc}") from exc
        data["config_path"] = cfg
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError(f"{cfg or 'settings'}: {_one_line(exc)}") from exc
    except ValueError as exc:
        raise ConfigError(f"{cfg or 'settings'}: {exc}") from exc


def _one_line(exc: ValidationError) -> str:
    """Each problem as `where: what`, on one line (pydantic's text spans several)."""
    return "; ".join(
        ".".join(str(part) for part in error["loc"])
        + (": " if error["loc"] else "")
        + error["msg"].removeprefix("Value error, ")
        for error in exc.errors()
    )
