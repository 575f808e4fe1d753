"""The lead-list API under concurrent load against PostgreSQL (loopback only, bounded in time and requests).

The web server `mapleads serve` runs (Granian, WSGI, same processes and threads) serves the app on 127.0.0.1 with
a job of real Helsinki leads; a second process requests pages of leads with an API key at a fixed concurrency:
wrk (Debian package, C, one thread; bench/api_load.lua rotates the URLs and counts every non-2xx answer as an
error) for `--seconds`, or, without wrk, an aiohttp client for `--requests` (at most 120 s). Anchor: the same
load on /healthz (one `SELECT 1` through the same server and Django stack), so the ratio shows what the key
check, the lead query and serialisation cost. Target: >= 500 req/s, p99 <= 100 ms, 0 errors.

    .venv/bin/python bench/bench_api.py [--seconds 15] [--concurrency 16] [--web-workers 2] [--threads 1]
                                        [--client aiohttp]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mapleads.cli.serve import THREADS, WEB_WORKERS, server_command

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


WRK_SCRIPT = Path(__file__).with_name("api_load.lua")


def load_wrk(base: str, paths: list[str], key: str, seconds: int, concurrency: int) -> dict[str, float]:
    """wrk for `seconds` after a 2 s warm-up (not counted); latency is per request, send to last byte."""

    def run(duration: int) -> dict[str, int]:
        cmd = [
            "wrk", "-t", "1", "-c", str(concurrency), "-d", f"{duration}s", "--timeout", "5s",
            "-s", str(WRK_SCRIPT), "-H", f"Authorization: Bearer {key}", base, "--", *paths,
        ]  # fmt: skip
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=duration + 60).stdout
        return dict(json.loads(out.strip().splitlines()[-1]))

    run(2)
    data = run(seconds)
    return {
        "requests": data["requests"],
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50_ms": data["p50_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "errors": data["bad_status"] + data["socket_errors"],
    }


def load_aiohttp(urls: list[str], key: str, total: int, concurrency: int) -> dict[str, float]:
    """The Python load generator in its own process (when wrk is missing) and a summary of what it measured."""
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


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15, help="measured seconds per endpoint (wrk)")
    parser.add_argument("--requests", type=int, default=6000, help="requests per endpoint (aiohttp client)")
    parser.add_argument("--client", choices=["wrk", "aiohttp"], default="wrk" if shutil.which("wrk") else "aiohttp")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--web-workers", type=int, default=WEB_WORKERS, help="server processes (as `mapleads serve`)")
    parser.add_argument("--threads", type=int, default=THREADS, help="threads per server process (as `mapleads serve`)")
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
    cmd = server_command("127.0.0.1", port, opts.web_workers, opts.threads, access_log=False)
    server = subprocess.Popen(cmd, env=env)
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
        page = f"/api/jobs/{job}/leads?limit={opts.page_size}"
        paths = [page, f"{page}&cursor={cursor}", f"{page}&has_phone=true", f"{page}&category=restaurant"]
        print(
            f"server: granian (as `mapleads serve`), {opts.web_workers} processes x {opts.threads} threads;"
            f" load: {opts.client}, {opts.concurrency} connections"
        )
        print(f"load average before: {load_average()}", flush=True)
        results = []
        for endpoint in (["/healthz"], paths):
            if opts.client == "wrk":
                results.append(load_wrk(base, endpoint, key, opts.seconds, opts.concurrency))
            else:
                results.append(load_aiohttp([base + p for p in endpoint], key, opts.requests, opts.concurrency))
        anchor, leads = results
        print(f"load average after: {load_average()}")
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
