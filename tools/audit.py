"""`make check`'s dependency audit: pip-audit over the installed packages, in one line.

pip-audit needs the network (the package index's vulnerability data). Without it, or when
the index answers for none of the packages (a mirror without that data), the audit is
skipped with one line saying so, not failed: `make check` still runs offline. A known
vulnerability fails it, one line per finding."""

from __future__ import annotations

import json
import subprocess
import sys

# How a failed connection shows in pip-audit's error output (requests / urllib3).
NETWORK_ERRORS = (
    "ConnectionError",
    "NewConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "ConnectTimeout",
    "ReadTimeout",
    "Network is unreachable",
    "Temporary failure in name resolution",
)
TIMEOUT_SECONDS = 300


def main() -> int:
    cmd = [sys.executable, "-m", "pip_audit", "--skip-editable", "--progress-spinner", "off"]
    try:
        done = subprocess.run(
            [*cmd, "--format", "json"], capture_output=True, text=True, timeout=TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired:
        print(f"pip-audit skipped: no answer from the network in {TIMEOUT_SECONDS} s")
        return 0
    if done.returncode not in (0, 1) or not done.stdout.strip():
        if any(marker in done.stderr for marker in NETWORK_ERRORS):
            print("pip-audit skipped: no network to reach the vulnerability data")
            return 0
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"pip-audit failed: {last}")
        return 1
    deps = json.loads(done.stdout)["dependencies"]
    audited = [d for d in deps if "skip_reason" not in d]
    findings = [(d, v) for d in audited for v in d.get("vulns", [])]
    for dep, vuln in findings:
        fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
        print(f"vulnerable: {dep['name']} {dep['version']} {vuln['id']} (fixed in {fixed})")
    if findings:
        return 1
    if not audited:
        print(
            f"pip-audit skipped: the package index had vulnerability data for none of the "
            f"{len(deps)} packages (no network, or a mirror without it)"
        )
        return 0
    print(
        f"pip-audit: {len(audited)} packages audited, no known vulnerability"
        + (
            f" ({len(deps) - len(audited)} not found on the index)"
            if len(audited) < len(deps)
            else ""
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
