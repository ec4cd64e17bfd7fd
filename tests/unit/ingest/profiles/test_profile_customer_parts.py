"""Each ERP table of a customer is recognised as its own object from its header, and the
tables beside them (open items, pre-joined extracts) are not mistaken for one."""

from __future__ import annotations

import pytest

from ingest.pipeline import classify
from ingest.profile import load_profile

CASES = [
    # SAP SE16N headers (technical field names)
    ("sap", "MANDT KUNNR NAME1 NAME2 STRAS PSTLZ ORT01 LAND1", ["customer"]),
    ("sap", "MANDT KUNNR BUKRS AKONT ZTERM ZWELS BUSAB LOEVM", ["customer_company"]),
    ("sap", "MANDT KUNNR BUKRS ZTERM ZWELS", ["customer_company"]),
    ("sap", "MANDT KUNNR KKBER KLIMK SKFOR SSOBL CTLPC", ["customer_credit"]),
    # BSID carries KUNNR, BUKRS and ZTERM but is no KNB1
    (
        "sap",
        "MANDT BUKRS KUNNR GJAHR BELNR BUZEI SHKZG DMBTR ZTERM HKONT",
        ["receivable_item", "payment"],
    ),
    # a KNA1 ⋈ KNB1 extract feeds both, with the same values
    ("sap", "KUNNR NAME1 LAND1 BUKRS AKONT ZTERM", ["customer", "customer_company"]),
    # a KNA1 extract with the limit joined (no KKBER) stays a customer file
    ("sap", "KUNNR NAME1 LAND1 ZTERM KLIMK", ["customer"]),
    # Sage X3, both header conventions
    ("sage_x3", "BPCNUM_0 BPCNAM_0 PTE_0 OSTAUZ_0 BPAADD_0", ["customer"]),
    (
        "sage_x3",
        "BPATYP_0 BPANUM_0 BPAADD_0 BPAADDLIG_0 POSCOD_0 CTY_0 CRY_0",
        ["customer_address"],
    ),
    ("sage_x3", "BPATYP BPANUM BPAADD BPAADDLIG POSCOD CTY CRY BPAADDFLG", ["customer_address"]),
    # a BPCUSTOMER ⋈ BPADDRESS extract has no BPANUM: still the customer file
    ("sage_x3", "BPCNUM_0 BPCNAM_0 BPAADD_0 BPAADDLIG_0 POSCOD_0 CTY_0", ["customer"]),
    # Oracle TCA
    ("oracle_ebs", "CUST_ACCOUNT_ID PARTY_ID ACCOUNT_NUMBER ACCOUNT_NAME STATUS", ["customer"]),
    (
        "oracle_ebs",
        "PARTY_ID PARTY_NUMBER PARTY_NAME PARTY_TYPE JGZZ_FISCAL_CODE",
        ["customer_party"],
    ),
    (
        "oracle_ebs",
        "CUST_ACCT_PROFILE_AMT_ID CUST_ACCOUNT_PROFILE_ID CUST_ACCOUNT_ID SITE_USE_ID "
        "CURRENCY_CODE OVERALL_CREDIT_LIMIT",
        ["customer_credit"],
    ),
    # an account extract with PARTY_NAME and the limit joined stays the customer file
    (
        "oracle_ebs",
        "CUST_ACCOUNT_ID PARTY_ID ACCOUNT_NUMBER PARTY_NAME OVERALL_CREDIT_LIMIT CURRENCY_CODE",
        ["customer"],
    ),
]


@pytest.mark.parametrize(("system", "header", "objects"), CASES)
def test_table_recognised_as_its_object(system: str, header: str, objects: list[str]) -> None:
    plan = classify(load_profile(system), header.split(), "extract.txt")
    assert plan.refusal is None
    assert [o.name for o in plan.objects] == objects


def test_stand_alone_bpartner_still_refused() -> None:
    plan = classify(load_profile("sage_x3"), ["BPRNUM_0", "BPRNAM_0", "CRN_0"], "BPARTNER.csv")
    assert plan.refusal is not None and "not recognised" in plan.refusal
