"""CPU per request of the API's routes, in process: `python -m bench.serving_cpu [N]`.

Drives the app through ASGI (httpx, one request at a time, no server, no wrk) on the
serving bench's 10k build (`bench/out/scale/build_n10000/data_serving`, made by
`python -m bench --only serving`) and reports the process CPU time per request (every
thread counted; the httpx client's share included, the same for every route) as a
multiple of `/health`'s. CPU time moves far less than wall time on a shared machine: the
quick way to see what a change to a route costs before a wrk run.
"""

from __future__ import annotations

import asyncio
import sys
import time

import httpx
import pyarrow as pa
import pyarrow.compute as pc

from bench.common import OUT
from bench.serving import PASSWORD
from kernel.serving_contract import connect_serving, keys_file

DATA = OUT / "scale" / "build_n10000" / "data_serving"


async def _run(n: int) -> None:
    from api.main import create_app
    from kernel.settings import load_settings

    app = create_app(load_settings(DATA / "c360.toml"))
    serving = sorted((DATA / "snapshots").glob("*.serving.sqlite"))[-1]
    lite = connect_serving(serving)
    ids = [r[0] for r in lite.execute("select customer_id from customer_search limit 400")]
    names = [
        r[0][:k]
        for r in lite.execute("select folded_name from customer_search limit 200")
        for k in (3, 5)
        if r[0]
    ]
    lite.close()
    keys = pa.ipc.open_file(pa.memory_map(str(keys_file(serving)))).read_all()
    sirets = keys.filter(pc.equal(keys["kind"], "siret"))["shown"].to_pylist()[:300]
    routes = {
        "/health": ["/api/v1/health"],
        "/customers/{id}": [f"/api/v1/customers/{i}" for i in ids],
        "search: names": [f"/api/v1/customers?q={q}" for q in names],
        "search: SIRETs": [f"/api/v1/customers?q={q}" for q in sirets],
        "/customers/{id}/invoices": [f"/api/v1/customers/{i}/invoices" for i in ids],
        "/receivables/aging": ["/api/v1/receivables/aging"],
        "/kpis/summary": ["/api/v1/kpis/summary"],
        "/runs": ["/api/v1/runs"],
    }
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as c:
            token = (
                await c.post("/api/v1/auth/token", data={"username": "bench", "password": PASSWORD})
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            health = 0.0
            for label, paths in routes.items():
                for p in paths[:20]:
                    assert (await c.get(p, headers=headers)).status_code == 200, p
                started = time.process_time()
                for i in range(n):
                    await c.get(paths[i % len(paths)], headers=headers)
                cpu = (time.process_time() - started) / n * 1000
                health = health or cpu
                print(f"{label:26s} {cpu:7.2f} ms CPU per request  {cpu / health:5.2f} × /health")


def main() -> None:
    asyncio.run(_run(int(sys.argv[1]) if len(sys.argv) > 1 else 400))


if __name__ == "__main__":
    main()
