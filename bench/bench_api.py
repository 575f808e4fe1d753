"""The lead-list API under concurrent load against PostgreSQL (loopback only, bounded in requests and time).

A gunicorn server runs the service on 127.0.0.1 with a job of real Helsinki leads; a second process (aiohttp
client, fixed concurrency) requests pages of leads with an API key. Anchor: the same load on /healthz (one
`SELECT 1` through the same stack), so the ratio shows what the lead query, the key check and serialisation cost.
Target: >= 500 req/s, p99 <= 100 ms, 0 errors.

    .venv/bin/python bench/bench_api.py [--requests 6000] [--concurrency 16] [--web-workers 3]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/mapleads_bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(env: dict[str, str]) -> tuple[str, str]:
    """A fresh database with one user, one API key and one finished job of every Helsinki business."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS mapleads_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE mapleads_bench")
    subprocess.run([sys.executable, "-m", "mapleads.web", "migrate", "--no-input", "-v", "0"], env=env, check=True)
    script = """
import json
from django.contrib.auth import get_user_model
from mapleads.web.api.models import ApiKey
from mapleads.web.jobs import runner, services
from mapleads.web.jobs.spec import JobSpec
user = get_user_model().objects.create_user(username="bench@example.org", email="bench@example.org")
_, key = ApiKey.issue(user, "bench")
job = services.create_job(user, JobSpec(what="all", area_kind="everywhere"))
assert runner.run_job(str(job.pk), str(job.lease)) == "done"
job.refresh_from_db()
print(json.dumps({"key": key, "job": str(job.pk), "leads": job.lead_count}))
"""
    out = subprocess.run(
        [sys.executable, "-m", "mapleads.web", "shell", "-c", script],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    info = json.loads(out.strip().splitlines()[-1])
    with psycopg.connect(PG_BENCH, autocommit=True) as conn:
        conn.execute("ANALYZE")  # planner statistics, as autovacuum keeps them on a running server
    print(f"prepared: {info['leads']} leads in one job", flush=True)
    return info["key"], info["job"]


LOADGEN = r"""
import asyncio, json, sys, time
import aiohttp

async def main(urls, key, total, concurrency, max_seconds):
    latencies, errors, done = [], 0, 0
    headers = {"Authorization": f"Bearer {key}"}
    deadline = time.monotonic() + max_seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(headers=headers, connector=connector) as session:
        async def one(i):
            nonlocal errors
            start = time.perf_counter()
            try:
                async with session.get(urls[i % len(urls)]) as r:
                    await r.read()
                    if r.status != 200:
                        errors += 1
            except aiohttp.ClientError:
                errors += 1
            latencies.append(time.perf_counter() - start)

        async def worker(w):
            nonlocal done
            while done < total and time.monotonic() < deadline:
                i = done
                done += 1
                await one(i)

        for i in range(min(50, total)):  # warm-up, not counted
            await one(i)
        latencies.clear(); errors = 0
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(concurrency)))
        elapsed = time.perf_counter() - t0
    print(json.dumps({"latencies": latencies, "errors": errors, "elapsed": elapsed}))

args = json.loads(sys.argv[1])
asyncio.run(main(**args))
"""


def load(urls: list[str], key: str, total: int, concurrency: int) -> dict[str, float]:
    """Run the load generator in its own process and summarise what it measured."""
    args = {"urls": urls, "key": key, "total": total, "concurrency": concurrency, "max_seconds": 120}
    out = subprocess.run(
        [sys.executable, "-c", LOADGEN, json.dumps(args)], check=True, capture_output=True, text=True, timeout=300
    ).stdout
    data = json.loads(out)
    lat = sorted(data["latencies"])
    q = statistics.quantiles(lat, n=100)
    return {
        "requests": len(lat),
        "rps": len(lat) / data["elapsed"],
        "p50_ms": q[49] * 1000,
        "p99_ms": q[98] * 1000,
        "errors": data["errors"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--page-size", type=int, default=50)
    opts = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="mapleads-bench-api-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAPLEADS_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "mapleads.web.settings",
            "MAPLEADS_DATA_DIR": data_dir,
            "MAPLEADS_DATABASE_URL": PG_BENCH,
            "MAPLEADS_WEB_PBF_PATH": str(REPO / "data" / "demo" / "helsinki.osm.pbf"),
            "PYTHONPATH": str(REPO / "src"),
        }
    )
    key, job = prepare(env)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "mapleads.web.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(opts.web_workers), "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        import httpx

        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        # the pages a client walks: first pages plus filtered pages (cursor-paginated reads of the job's leads)
        first = httpx.get(
            f"{base}/api/jobs/{job}/leads?limit={opts.page_size}", headers={"Authorization": f"Bearer {key}"}
        ).json()
        cursor = first["next_cursor"]
        urls = [
            f"{base}/api/jobs/{job}/leads?limit={opts.page_size}",
            f"{base}/api/jobs/{job}/leads?limit={opts.page_size}&cursor={cursor}",
            f"{base}/api/jobs/{job}/leads?limit={opts.page_size}&has_phone=true",
            f"{base}/api/jobs/{job}/leads?limit={opts.page_size}&category=restaurant",
        ]
        anchor = load([f"{base}/healthz"], key, opts.requests, opts.concurrency)
        leads = load(urls, key, opts.requests, opts.concurrency)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"\n{'endpoint':<36}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, r in (("GET /healthz (anchor)", anchor), (f"GET /api/jobs/{{id}}/leads ({opts.page_size})", leads)):
        print(f"{name:<36}{r['requests']:>9}{r['rps']:>9.0f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['errors']:>8}")
    print(f"lead list / anchor throughput ratio: {leads['rps'] / anchor['rps']:.2f}")
    ok = leads["rps"] >= 500 and leads["p99_ms"] <= 100 and leads["errors"] == 0
    print(f"target (>= 500 req/s, p99 <= 100 ms, 0 errors): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
