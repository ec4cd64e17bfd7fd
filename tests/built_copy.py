"""A company ingested and built once per test module, copied for each test that changes
it (decisions, rebuilds): every path in its folder is relative to its config file."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from kernel.settings import Settings, load_settings


def copy_built(template: Path, target: Path) -> Settings:
    """The company folder `template` (its c360.toml, inbox and data) copied to `target`."""
    shutil.copytree(template, target)
    return load_settings(target / "c360.toml")


_TEMPLATES: dict[str, Path] = {}


def built_once(key: str, root: Path, make: Callable[[Path], None]) -> None:
    """Fill `root` with make(root) the first time this process sees `key` (the whole
    description of what make writes), else with a copy of what that first call made."""
    template = _TEMPLATES.get(key)
    if template is not None:
        shutil.copytree(template, root, dirs_exist_ok=True)
        return
    make(root)
    template = Path(tempfile.mkdtemp(prefix="c360-built-"))
    atexit.register(shutil.rmtree, template, ignore_errors=True)
    shutil.copytree(root, template, dirs_exist_ok=True)
    _TEMPLATES[key] = template
