"""c360 benchmarks: `python -m bench [--quick] [--only NAME]`.

One module per benchmark (ingest_invoices, matching_accuracy, money_accuracy,
matching_scale, build_scale, serving, dashboard_pages). Each prints a table and rewrites its own section of docs/benchmarks.md.
Generated data lives under bench/out/ (git-ignored), cached by its parameters.
Speed goals are ratios against a baseline measured in the same run, because the
benchmark machine is shared and noisy; peak memory is the process's VmHWM.
"""

BENCHMARKS = (
    "ingest_invoices",
    "ingest_activities",
    "matching_accuracy",
    "money_accuracy",
    "matching_scale",
    "build_scale",
    "serving",
    "dashboard_pages",
)
