"""Issue 4: pairwise precision/recall of c360's matching, and of Splink 5, on the demo.

For each demo company (default seed 42 and a second seed), ingest + build through the
real pipeline, then compare same-company record pairs from truth.json with the pairs
implied by core.customer_xref (pairs only in core.match_candidate, the review queue,
count as not merged). Splink 5 (DuckDB backend, dedupe_only) runs on the same
staging.customer rows, all sources together.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import duckdb

from bench.common import measure, out_dir, table
from bench.report import write_section

SEEDS = (42, 1234)
# The second company carries twice the dirt (issue 4): twice the CRM duplicates, missing
# and invalid SIRETs, moved addresses and name variants, half the ERP codes in the CRM.
DIRT = {42: 1.0, 1234: 2.0}
CUSTOMERS, QUICK_CUSTOMERS = 2000, 300
THRESHOLD = 0.9
Pair = tuple[tuple[str, str], tuple[str, str]]


def demo(seed: int, customers: int) -> Path:
    """The demo company's folder, generated once per (seed, customers)."""
    from ingest.demo import generate_demo

    folder = out_dir("matching_accuracy", f"demo_s{seed}_n{customers}_dirt{DIRT[seed]}")
    if not (folder / "truth.json").exists():
        generate_demo(folder, customers=customers, seed=seed, dirt=DIRT[seed])
    return folder


def run_c360(folder: Path) -> dict:
    from ingest.pipeline import ingest
    from warehouse.build import build
    from warehouse.settings import load_settings

    shutil.rmtree(folder / "data", ignore_errors=True)
    settings = load_settings(folder / "c360.toml")
    ing = measure(lambda: ingest(settings))
    bld = measure(lambda: build(settings))
    if not bld.result.published:
        raise RuntimeError(f"build not published: {bld.result.message}")
    return {
        "settings": settings,
        "ingest_s": ing.seconds,
        "build_s": bld.seconds,
        "build_peak": bld.peak_mib,
        "snapshot": bld.result.snapshot,
    }


def truth_pairs(folder: Path) -> set[Pair]:
    truth = json.loads((folder / "truth.json").read_text())
    pairs: set[Pair] = set()
    for company in truth["companies"]:
        recs = sorted((r["source"], r["source_id"]) for r in company["records"])
        pairs |= set(combinations(recs, 2))
    return pairs


def cluster_pairs(assign: dict[tuple[str, str], str]) -> set[Pair]:
    groups: dict[str, list] = defaultdict(list)
    for rec, cid in assign.items():
        groups[cid].append(rec)
    pairs: set[Pair] = set()
    for recs in groups.values():
        pairs |= set(combinations(sorted(recs), 2))
    return pairs


def scores(pred: set[Pair], truth: set[Pair]) -> dict:
    tp, fp, fn = len(pred & truth), len(pred - truth), len(truth - pred)
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for pair in truth | pred:
        kind = "–".join(sorted((pair[0][0], pair[1][0])))
        slot = by_kind[kind]
        if pair in pred and pair in truth:
            slot[0] += 1
        elif pair in pred:
            slot[1] += 1
        else:
            slot[2] += 1
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "by_kind": dict(by_kind),
    }


def c360_assignment(snapshot: Path) -> tuple[dict, list]:
    con = duckdb.connect(str(snapshot), read_only=True)
    xref = {
        (s, i): c
        for s, i, c in con.execute(
            "select source, source_id, customer_id from core.customer_xref"
        ).fetchall()
    }
    review = con.execute(
        "select left_source, left_source_id, right_source, right_source_id "
        "from core.match_candidate"
    ).fetchall()
    con.close()
    return xref, review


SPLINK_INPUT_SQL = """
create or replace table splink_input as
with staged as (
    select * from stg.staging.customer where not is_deleted
),
cleaned as (
    select
        source || ':' || source_id as uid,
        source,
        source_id,
        trim(regexp_replace(
            regexp_replace(strip_accents(lower(coalesce(name, ''))), '[.]', '', 'g'),
            '[^a-z0-9]+', ' ', 'g')) as name_clean,
        nullif(regexp_replace(coalesce(postcode, ''), '\\s', '', 'g'), '') as postcode,
        nullif(trim(regexp_replace(strip_accents(lower(coalesce(city, ''))), '[^a-z0-9]+', ' ', 'g')), '')
            as city,
        coalesce(
            case when regexp_full_match(regexp_replace(coalesce(siren, ''), '[^0-9]', '', 'g'), '[0-9]{9}')
                 then regexp_replace(siren, '[^0-9]', '', 'g') end,
            case when regexp_full_match(regexp_replace(coalesce(siret, ''), '[^0-9]', '', 'g'), '[0-9]{14}')
                 then left(regexp_replace(siret, '[^0-9]', '', 'g'), 9) end,
            case when regexp_full_match(upper(coalesce(vat_number, '')), 'FR[0-9A-Z]{2}[0-9]{9}')
                 then right(upper(vat_number), 9) end
        ) as siren,
        case when email like '%_@_%'
                  and not list_contains($free_mail, lower(trim(split_part(email, '@', 2))))
             then lower(trim(split_part(email, '@', 2))) end as email_domain,
        nullif(trim(phone), '') as phone
    from staged
)
select
    uid, source, source_id,
    nullif(array_to_string(list_filter(string_split(name_clean, ' '),
        lambda t: t <> '' and not list_contains($legal_forms, t)), ' '), '') as name_norm,
    postcode, city, siren, email_domain, phone
from cleaned
"""


def run_splink(staging_db: Path, free_mail: list[str]) -> dict:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from warehouse.matching import LEGAL_FORMS

    logging.getLogger("splink").setLevel(logging.WARNING)
    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"attach '{staging_db}' as stg (read_only)")
    con.execute(SPLINK_INPUT_SQL, {"free_mail": free_mail, "legal_forms": LEGAL_FORMS})
    db_api = DuckDBAPI(connection=con)
    df = db_api.register("splink_input")
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="uid",
        comparisons=[
            cl.JaroWinklerAtThresholds("name_norm", [0.95, 0.88, 0.8]),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("city"),
            cl.ExactMatch("siren"),
            cl.ExactMatch("email_domain"),
            cl.ExactMatch("phone"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("postcode"),
            block_on("siren"),
            block_on("substr(name_norm, 1, 3)"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(df, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("siren"), block_on("name_norm", "postcode")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("siren"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("substr(name_norm, 1, 3)")
    )
    pred = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pred, threshold_match_probability=THRESHOLD
    )
    rows = con.execute(
        f"select uid, cast(cluster_id as varchar) from {clusters.physical_name}"
    ).fetchall()
    n_pred = con.execute(f"select count(*) from {pred.physical_name}").fetchone()[0]
    seconds = time.perf_counter() - t0
    con.close()
    assign = {tuple(uid.split(":", 1)): cid for uid, cid in rows}
    return {"assign": assign, "seconds": seconds, "pairs_above": n_pred}


def run(quick: bool = False) -> dict:
    customers = QUICK_CUSTOMERS if quick else CUSTOMERS
    results = []
    for seed in SEEDS:
        t0 = time.perf_counter()
        folder = demo(seed, customers)
        gen_s = time.perf_counter() - t0
        c = run_c360(folder)
        truth = truth_pairs(folder)
        xref, review = c360_assignment(c["snapshot"])
        c_scores = scores(cluster_pairs(xref), truth)
        review_true = sum(
            1 for a1, b1, a2, b2 in review if tuple(sorted(((a1, b1), (a2, b2)))) in truth
        )
        s = run_splink(c["settings"].staging_db, c["settings"].matching.free_mail_domains)
        s_scores = scores(cluster_pairs(s["assign"]), truth)
        results.append(
            {
                "seed": seed,
                "records": len(xref),
                "truth_pairs": len(truth),
                "c360": c_scores,
                "splink": s_scores,
                "review": len(review),
                "review_true": review_true,
                "gen_s": gen_s,
                **{k: c[k] for k in ("ingest_s", "build_s", "build_peak")},
                "splink_s": s["seconds"],
                "splink_pairs": s["pairs_above"],
            }
        )
        sys.stdout.write(
            f"seed {seed}: c360 P={c_scores['precision']:.4f} R={c_scores['recall']:.4f}; "
            f"splink P={s_scores['precision']:.4f} R={s_scores['recall']:.4f}\n"
        )
        sys.stdout.flush()
    main_rows = []
    for r in results:
        for engine in ("c360", "splink"):
            sc = r[engine]
            main_rows.append(
                [
                    r["seed"],
                    engine,
                    r["records"],
                    r["truth_pairs"],
                    sc["tp"],
                    sc["fp"],
                    sc["fn"],
                    f"{sc['precision']:.4f}",
                    f"{sc['recall']:.4f}",
                ]
            )
    tab = table(
        ["seed", "engine", "source records", "true pairs", "TP", "FP", "FN", "precision", "recall"],
        main_rows,
    )
    kind_rows = []
    for r in results:
        for engine in ("c360", "splink"):
            for kind, (tp, fp, fn) in sorted(r[engine]["by_kind"].items()):
                kind_rows.append(
                    [
                        r["seed"],
                        engine,
                        kind,
                        tp,
                        fp,
                        fn,
                        f"{tp / (tp + fn):.4f}" if tp + fn else "—",
                    ]
                )
    kind_tab = table(["seed", "engine", "pair kind", "TP", "FP", "FN", "recall"], kind_rows)
    time_tab = table(
        [
            "seed",
            "generate s",
            "ingest s",
            "build s",
            "build peak MiB",
            "review queue",
            "review pairs truly same",
            "splink s (train+predict+cluster)",
        ],
        [
            [
                r["seed"],
                r["gen_s"],
                r["ingest_s"],
                r["build_s"],
                r["build_peak"],
                r["review"],
                r["review_true"],
                r["splink_s"],
            ]
            for r in results
        ],
    )
    body = f"""
Sizes: demo companies with `generate_demo(out_dir, customers={customers}, seed=S, dirt=D)`
for (S, D) in {", ".join(f"({k}, {v})" for k, v in DIRT.items())}: the second company has
twice the dirt (`c360 demo --dirt 2`); cached under `bench/out/matching_accuracy/`.
Pairs: every pair of source records (crm, erp, compta) of one truth company is a true
pair; c360's predicted pairs come from `core.customer_xref` (pairs only in
`core.match_candidate`, the review queue, count as not merged); Splink's from its clusters.

Splink 5.0.0, DuckDB backend, `dedupe_only` over all `staging.customer` rows: comparisons
JaroWinkler(normalised name without legal forms; 0.95/0.88/0.8), exact postcode, city,
SIREN (from SIREN, SIRET or FR VAT), e-mail domain (free-mail excluded), phone; blocking
on postcode, SIREN, first 3 letters of the name; λ from deterministic rules (recall 0.7),
u by random sampling (1e6 pairs), m by EM on the postcode, SIREN and name-prefix blocks;
threshold match probability {THRESHOLD}, connected-components clustering. The customer code
(xref) is deliberately not a Splink comparison, as briefed — so compta (FEC) records, which
carry only a name and the code, can be linked by Splink only by name.

{tab}

Recall by kind of pair:

{kind_tab}

{time_tab}
"""
    sys.stdout.write(tab + "\n\n" + kind_tab + "\n\n" + time_tab + "\n")
    write_section("matching_accuracy", "matching_accuracy (issue 4)", body, quick)
    return {"results": [{k: v for k, v in r.items()} for r in results]}
