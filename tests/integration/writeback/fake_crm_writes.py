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
  400 for an unknown column; and `POST /api/data/v9.2/$batch` of those PATCHes (multipart,
  change sets, at most 1,000 requests, an answer per Content-ID).
- Odoo `write` on res.partner (JSON-2 and JSON-RPC): True; MissingError / invalid field.

`written[record id]` holds the values each record received; `writes` counts write calls.
"""

from __future__ import annotations

import json
import re
import uuid
from email.message import Message
from email.parser import BytesParser
from typing import Any

from fake_dynamics import API
from fake_odoo import OdooFault
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from ingest.writeback.fields import DEFAULT_FIELDS

HUBSPOT_BATCH = 100
SALESFORCE_BATCH = 200
DYNAMICS_BATCH = 1000


def prepare(fake: Any, system: str) -> None:
    """Write state on a fake (called again after each `reset`)."""
    fake.written = {}
    fake.writes = 0
    fake.refuse = {}
    fake.upserted = []
    fake.batch_requests = []
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


def _patch_account(
    fake: Any, key: str, values: dict[str, Any], if_match: str | None
) -> tuple[int, dict[str, Any] | None]:
    """One account PATCH as Dataverse answers it: (status, error body or None)."""
    known = {r["accountid"]: r for r in fake.store["accounts"]}
    if key not in known:
        if if_match != "*":
            fake.upserted.append(key)  # what Dataverse does: create the account
            return 204, None
        return 404, {
            "error": {"code": "0x80040217", "message": f"account With Id = {key} Does Not Exist"}
        }
    unknown = sorted(set(values) - fake.writable)
    if unknown:
        return 400, {
            "error": {
                "code": "0x80060888",
                "message": f"The property '{unknown[0]}' does not exist on type "
                "'Microsoft.Dynamics.CRM.account'",
            }
        }
    _store_values(fake, key, values)
    return 204, None


def _batch_parts(content_type: str, body: bytes) -> list[list[Message]]:
    """The change sets of a multipart $batch body, each a list of its application/http
    parts (a request outside any change set is a change set of one)."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    batch = BytesParser().parsebytes(head + body)
    if not batch.is_multipart():
        return []
    out: list[list[Message]] = []
    for part in batch.get_payload():
        if not isinstance(part, Message):
            continue
        inner = part.get_payload() if part.is_multipart() else [part]
        assert isinstance(inner, list)
        out.append(
            [
                p
                for p in inner
                if isinstance(p, Message) and p.get_content_type() == "application/http"
            ]
        )
    return out


def _http_request(part: Message) -> tuple[str, str, dict[str, str], Any]:
    payload = part.get_payload(decode=True)
    text = (payload if isinstance(payload, bytes) else str(payload).encode()).decode()
    head, _, body = text.replace("\r\n", "\n").partition("\n\n")
    request_line, *header_lines = head.strip().split("\n")
    method, url, _ = request_line.split(" ", 2)
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return method, url, headers, json.loads(body) if body.strip() else None


def _http_response(content_id: str | None, status: int, error: dict[str, Any] | None) -> str:
    reason = {204: "No Content", 400: "Bad Request", 404: "Not Found"}.get(status, "Error")
    lines = ["Content-Type: application/http", "Content-Transfer-Encoding: binary"]
    if content_id is not None:
        lines.append(f"Content-ID: {content_id}")
    lines += ["", f"HTTP/1.1 {status} {reason}", "OData-Version: 4.0"]
    if error is not None:
        lines += ["Content-Type: application/json; odata.metadata=minimal", "", json.dumps(error)]
    else:
        lines.append("")
    return "\r\n".join(lines)


def add_dynamics(app: FastAPI, fake: Any) -> None:
    """One PATCH per account, and the OData $batch of them (multipart, change sets,
    at most DYNAMICS_BATCH requests, `Prefer: odata.continue-on-error` or stop at the
    first failure). `fake.batch_requests` keeps each inner request's (method, url,
    headers)."""
    fake.batch_requests = []

    @app.patch(API + "/accounts({key})")
    async def update_account(key: str, request: Request) -> Any:
        if not fake.accepts(request.headers.get("authorization")):
            return Response(status_code=401)
        fake.writes += 1
        status, error = _patch_account(
            fake, key, await request.json(), request.headers.get("if-match")
        )
        return Response(status_code=204) if error is None else JSONResponse(error, status)

    @app.post(API + "/$batch")
    async def batch(request: Request) -> Any:
        if not fake.accepts(request.headers.get("authorization")):
            return Response(status_code=401)
        fake.writes += 1
        change_sets = _batch_parts(request.headers.get("content-type", ""), await request.body())
        count = sum(len(c) for c in change_sets)
        if not change_sets or count > DYNAMICS_BATCH:
            message = (
                f"The number of requests in the batch, {count}, exceeds the limit of "
                f"{DYNAMICS_BATCH}"
                if count
                else "The batch request body is not a multipart/mixed batch"
            )
            return JSONResponse({"error": {"code": "0x80048d19", "message": message}}, 400)
        go_on = "odata.continue-on-error" in request.headers.get("prefer", "")
        batch_boundary = f"batchresponse_{uuid.uuid4()}"
        out: list[str] = []
        for requests in change_sets:
            results: list[tuple[str | None, int, dict[str, Any] | None]] = []
            for part in requests:
                method, url, headers, body = _http_request(part)
                fake.batch_requests.append((method, url, headers))
                match = re.search(r"/accounts\(([^)]+)\)$", url)
                error: dict[str, Any] | None
                if method != "PATCH" or match is None:
                    status, error = 400, {"error": {"code": "0x0", "message": "not supported"}}
                else:
                    status, error = _patch_account(
                        fake, match.group(1), body, headers.get("if-match")
                    )
                results.append((part.get("Content-ID"), status, error))
                if error is not None:
                    break
            failed = next((r for r in results if r[2] is not None), None)
            # a change set is atomic: a failure answers once, for the request that failed
            shown = [failed] if failed else results
            boundary = f"changesetresponse_{uuid.uuid4()}"
            out += [
                f"--{batch_boundary}",
                f"Content-Type: multipart/mixed; boundary={boundary}",
                "",
            ]
            out += [f"--{boundary}\r\n" + _http_response(*r) for r in shown]
            out.append(f"--{boundary}--")
            if failed and not go_on:
                break
        out.append(f"--{batch_boundary}--")
        return Response(
            ("\r\n".join(out) + "\r\n").encode(),
            status_code=200,
            media_type=f"multipart/mixed; boundary={batch_boundary}",
        )


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
