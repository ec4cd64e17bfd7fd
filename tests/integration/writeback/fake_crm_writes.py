"""The write side of the fake vendor servers the connector tests use (tests/integration/
connectors/fake_*.py): the same apps, tokens and fault injection, plus each CRM's write
endpoint with its documented limits and per-record answers.

- HubSpot `POST /crm/v3/objects/companies/batch/update`: over 100 inputs, or a property
  the portal does not have, is a 400 for the whole batch (VALIDATION_ERROR); ids in
  `refuse` are a 400 naming them in `errors[].context.ids`; unknown or archived ids a
  207 with their OBJECT_NOT_FOUND error beside the `results` of the others.
- Salesforce `PATCH /services/data/v66.0/composite/sobjects`: over 200 records a 400
  EXCEEDED_ID_LIMIT; per record `{id, success, errors}` in the order sent (ENTITY_IS_DELETED,
  INVALID_FIELD, FIELD_CUSTOM_VALIDATION_EXCEPTION for ids in `refuse`).
- Dynamics `PATCH /api/data/v9.2/accounts(<id>)`: 204; 404 for an unknown account (with
  `If-Match: *`; without it the fake, like Dataverse, would create one: it records that),
  400 for an unknown column.
- Odoo `write` on res.partner (JSON-2 and JSON-RPC): True; MissingError / invalid field.

`written[record id]` holds the values each record received; `writes` counts write calls.
"""

from __future__ import annotations

from typing import Any

from fake_dynamics import API
from fake_odoo import OdooFault
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from ingest.writeback.fields import DEFAULT_FIELDS

HUBSPOT_BATCH = 100
SALESFORCE_BATCH = 200


def prepare(fake: Any, system: str) -> None:
    """Write state on a fake (called again after each `reset`)."""
    fake.written = {}
    fake.writes = 0
    fake.refuse = {}
    fake.upserted = []
    fake.writable = set(DEFAULT_FIELDS[system].values())


def _store_values(fake: Any, rid: str, values: dict[str, Any]) -> None:
    fake.written.setdefault(rid, {}).update(values)


def add_hubspot(app: FastAPI, fake: Any) -> None:
    @app.post("/crm/v3/objects/companies/batch/update")
    async def batch_update(request: Request) -> Any:
        if not fake.accepts(request.headers.get("authorization")):
            return JSONResponse({"status": "error", "message": "bad token"}, status_code=401)
        fake.writes += 1
        inputs = (await request.json())["inputs"]
        if len(inputs) > HUBSPOT_BATCH:
            return JSONResponse(
                {
                    "status": "error",
                    "message": f"Too many inputs: {len(inputs)}; the limit is {HUBSPOT_BATCH}",
                    "category": "VALIDATION_ERROR",
                },
                status_code=400,
            )
        unknown = sorted({p for i in inputs for p in i["properties"]} - fake.writable)
        if unknown:
            return JSONResponse(
                {
                    "status": "error",
                    "message": "Property values were not valid",
                    "category": "VALIDATION_ERROR",
                    "errors": [
                        {
                            "message": f'Property "{name}" does not exist',
                            "code": "PROPERTY_DOESNT_EXIST",
                            "context": {"propertyName": [name]},
                        }
                        for name in unknown
                    ],
                },
                status_code=400,
            )
        refused = [i["id"] for i in inputs if i["id"] in fake.refuse]
        if refused:
            return JSONResponse(
                {
                    "status": "error",
                    "message": "Property values were not valid",
                    "category": "VALIDATION_ERROR",
                    "errors": [
                        {
                            "message": fake.refuse[rid],
                            "code": "INVALID_DECIMAL",
                            "context": {"ids": [rid]},
                        }
                        for rid in refused
                    ],
                },
                status_code=400,
            )
        live = {r["id"] for r in fake.store["companies"] if not r["archived"]}
        results, missing = [], []
        for item in inputs:
            if item["id"] not in live:
                missing.append(item["id"])
                continue
            _store_values(fake, item["id"], item["properties"])
            results.append({"id": item["id"], "properties": item["properties"], "archived": False})
        body: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if not missing:
            return body
        body["numErrors"] = 1
        body["errors"] = [
            {
                "status": "error",
                "category": "OBJECT_NOT_FOUND",
                "message": "Could not get some COMPANY objects, they may be deleted or not "
                "exist. Check that ids are valid.",
                "context": {"ids": missing},
            }
        ]
        return JSONResponse(body, status_code=207)


def add_salesforce(app: FastAPI, fake: Any, version: str) -> None:
    @app.patch(f"/services/data/{version}/composite/sobjects")
    async def collections(request: Request) -> Any:
        if not fake.accepts(request.headers.get("authorization")):
            return JSONResponse(
                [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}],
                status_code=401,
            )
        fake.writes += 1
        body = await request.json()
        records = body["records"]
        if len(records) > SALESFORCE_BATCH:
            return JSONResponse(
                [
                    {
                        "message": "record limit reached. cannot submit more than 200 records "
                        "into this call",
                        "errorCode": "EXCEEDED_ID_LIMIT",
                    }
                ],
                status_code=400,
            )
        accounts = {a["Id"]: a for a in fake.store["Account"]}
        answers = []
        for record in records:
            rid = record["id"]
            values = {k: v for k, v in record.items() if k not in ("attributes", "id")}
            unknown = sorted(set(values) - fake.writable)
            if rid not in accounts or accounts[rid]["IsDeleted"]:
                error = {"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted"}
            elif unknown:
                error = {
                    "statusCode": "INVALID_FIELD",
                    "message": f"No such column '{unknown[0]}' on sobject of type Account",
                }
            elif rid in fake.refuse:
                error = {
                    "statusCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                    "message": fake.refuse[rid],
                }
            else:
                _store_values(fake, rid, values)
                answers.append({"id": rid, "success": True, "errors": []})
                continue
            answers.append({"success": False, "errors": [error | {"fields": []}]})
        return answers


def add_dynamics(app: FastAPI, fake: Any) -> None:
    @app.patch(API + "/accounts({key})")
    async def update_account(key: str, request: Request) -> Any:
        if not fake.accepts(request.headers.get("authorization")):
            return Response(status_code=401)
        fake.writes += 1
        values = await request.json()
        known = {r["accountid"]: r for r in fake.store["accounts"]}
        if key not in known:
            if request.headers.get("if-match") != "*":
                fake.upserted.append(key)  # what Dataverse does: create the account
                return Response(status_code=204)
            return JSONResponse(
                {
                    "error": {
                        "code": "0x80040217",
                        "message": f"account With Id = {key} Does Not Exist",
                    }
                },
                status_code=404,
            )
        unknown = sorted(set(values) - fake.writable)
        if unknown:
            return JSONResponse(
                {
                    "error": {
                        "code": "0x80060888",
                        "message": f"The property '{unknown[0]}' does not exist on type "
                        "'Microsoft.Dynamics.CRM.account'",
                    }
                },
                status_code=400,
            )
        _store_values(fake, key, values)
        return Response(status_code=204)


def add_odoo(fake: Any) -> None:
    """Odoo routes every method through `fake.execute`: `write` is added there."""
    read = fake.execute

    def execute(model: str, method: str, args: list[Any], kw: dict[str, Any]) -> Any:
        if method != "write":
            return read(model, method, args, kw)
        fake.writes += 1
        ids, vals = (args[0], args[1]) if args else (kw["ids"], kw["vals"])
        unknown = sorted(set(vals) - fake.writable)
        if unknown:
            raise OdooFault(
                422, "builtins.ValueError", f"Invalid field {unknown[0]!r} on model {model!r}"
            )
        rows = {r["id"]: r for r in fake.store[model]}
        for rid in ids:
            if rid not in rows:
                raise OdooFault(
                    404,
                    "odoo.exceptions.MissingError",
                    "Record does not exist or has been deleted.",
                )
            _store_values(fake, str(rid), vals)
        return True

    fake.execute = execute
