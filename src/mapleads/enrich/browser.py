"""Optional rendering of JavaScript-only home pages with a system Chromium driven by Playwright.

Off by default: a browser costs a hundred times a plain request. Playwright downloads no browser here: it
drives the system's Chromium (Debian's `chromium`); the crawl host map is passed on as resolver rules.
"""

from __future__ import annotations

import asyncio
from typing import Any

from mapleads.enrich.config import EnrichConfig
from mapleads.errors import MapleadsError

RENDER_TIMEOUT_MS = 15_000


class BrowserRenderer:
    def __init__(self, config: EnrichConfig) -> None:
        self.config = config
        self._lock = asyncio.Lock()
        self._slots = asyncio.Semaphore(2)
        self._playwright: Any = None
        self._browser: Any = None

    async def _start(self) -> Any:
        async with self._lock:
            if self._browser is None:
                from playwright.async_api import Error, async_playwright

                args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
                if self.config.host_map:
                    rules = ", ".join(f"MAP {pattern} {ip}" for pattern, ip in self.config.host_map.items())
                    args.append(f"--host-resolver-rules={rules}")
                self._playwright = await async_playwright().start()
                try:
                    self._browser = await self._playwright.chromium.launch(
                        executable_path=self.config.chromium_path, headless=True, args=args
                    )
                except Error as exc:
                    await self._playwright.stop()
                    self._playwright = None
                    raise MapleadsError(
                        f"cannot start Chromium at {self.config.chromium_path} for the browser fallback: "
                        f"{str(exc).splitlines()[0]}"
                    ) from None
        return self._browser

    async def render(self, url: str) -> str | None:
        browser = await self._start()
        async with self._slots:
            context = await browser.new_context(user_agent=self.config.user_agent)
            try:
                page = await context.new_page()
                await page.goto(url, wait_until="networkidle", timeout=RENDER_TIMEOUT_MS)
                html: str = await page.content()
                return html
            except Exception:  # a page that never settles is simply not rendered
                return None
            finally:
                await context.close()

    async def close(self) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
