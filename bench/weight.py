"""Page weight: what a phone downloads on a first visit to a page, and on a repeat visit.

A first visit fetches the page and every subresource it names (`<link rel=stylesheet>`,
`<link rel=icon>` and its kin, `<script src>`, `<img src>`, and the `url()`s of each stylesheet),
with `Accept-Encoding: br, gzip`; its weight is the bytes of the bodies as sent (compressed when
the server compressed them; headers are not counted) and its count the requests. A repeat visit
honours the caching headers: a subresource with `max-age` (and no `no-cache`/`no-store`) is not
fetched again; the page (and any resource without `max-age`) is revalidated with
`If-None-Match` when it had an ETag (a 304 costs 0 body bytes), else downloaded again.

Used by bench/run.py; `python bench/weight.py http://127.0.0.1:5000/` prints one page.
"""

import gzip
import re
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import brotli

# Issue 18's budget for a first visit: at most 40 KB compressed in at most 4 requests.
MAX_BYTES = 40_000
MAX_REQUESTS = 4
ICON_RELS = {"icon", "shortcut", "apple-touch-icon", "mask-icon"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""")


class _Subresources(HTMLParser):
    """Collects the URLs of the subresources a browser fetches for an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # (kind, url)

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if "stylesheet" in rels and values.get("href"):
                self.found.append(("css", values["href"]))
            elif rels & ICON_RELS and values.get("href"):
                self.found.append(("icon", values["href"]))
            elif rels & {"preload", "modulepreload"} and values.get("href"):
                self.found.append(("preload", values["href"]))
        elif tag == "script" and values.get("src"):
            self.found.append(("js", values["src"]))
        elif tag == "img" and values.get("src"):
            self.found.append(("img", values["src"]))


def subresources(html: str, base_url: str) -> list[tuple[str, str]]:
    """(kind, absolute URL) of each distinct subresource an HTML page names, in page order;
    `data:` URLs are part of the page and are left out."""
    parser = _Subresources()
    parser.feed(html)
    return _distinct(parser.found, base_url)


def css_urls(css: str, base_url: str) -> list[tuple[str, str]]:
    """(kind, absolute URL) of each distinct `url()` and `@import` of a stylesheet."""
    found = [("css", m.group(2)) for m in CSS_IMPORT.finditer(css)]
    found += [("css-url", m.group(2).strip()) for m in CSS_URL.finditer(css)]
    return _distinct(found, base_url)


def _distinct(found, base_url):
    seen, result = set(), []
    for kind, url in found:
        if url.startswith(("data:", "#", "javascript:")):
            continue
        absolute = urldefrag(urljoin(base_url, url)).url
        if absolute not in seen:
            seen.add(absolute)
            result.append((kind, absolute))
    return result


@dataclass
class Fetched:
    """One response: its status, the body bytes as sent, the decoded body and its headers."""

    url: str
    status: int
    wire_bytes: int
    body: bytes
    headers: dict = field(default_factory=dict)
    raw: bytes = b""

    def cache_max_age(self) -> int:
        """The `max-age` a browser may keep this response for without asking again (0: ask)."""
        control = self.headers.get("cache-control", "").lower()
        if "no-store" in control or "no-cache" in control:
            return 0
        match = re.search(r"max-age=(\d+)", control)
        return int(match.group(1)) if match else 0


def fetch(url: str, headers: dict | None = None, timeout: float = 30) -> Fetched:
    """GET `url` with `Accept-Encoding: br, gzip` (and `headers`), no cookies kept."""
    wanted = {"Accept-Encoding": "br, gzip", **(headers or {})}
    request = urllib.request.Request(url, headers=wanted)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw, got = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:  # 304 and 4xx/5xx arrive here
        status, raw, got = error.code, error.read(), error.headers
    lowered = {k.lower(): v for k, v in got.items()}
    body = decode(raw, lowered.get("content-encoding"))
    return Fetched(url, status, len(raw), body, lowered, raw)


def decode(raw: bytes, encoding: str | None) -> bytes:
    """The body behind `raw` sent with Content-Encoding `encoding`."""
    if encoding == "br":
        return brotli.decompress(raw)
    if encoding == "gzip":
        return gzip.decompress(raw)
    return raw


@dataclass
class Weight:
    """A page's first and repeat visit: bytes (bodies as sent) and requests."""

    url: str
    first_bytes: int = 0
    first_requests: int = 0
    repeat_bytes: int = 0
    repeat_requests: int = 0
    resources: list = field(default_factory=list)  # (kind, url, status, wire bytes)
    errors: list = field(default_factory=list)

    @property
    def over_budget(self) -> list[str]:
        """Which of issue 18's first-visit budgets the page misses (empty: none)."""
        flags = []
        if self.first_bytes > MAX_BYTES:
            flags.append(f"over {MAX_BYTES // 1000} KB")
        if self.first_requests > MAX_REQUESTS:
            flags.append(f"over {MAX_REQUESTS} requests")
        return flags


def weigh(url: str, headers: dict | None = None, fetcher=fetch) -> Weight:
    """The first and repeat visit of the page at `url` (see the module text)."""
    result = Weight(url)
    seen: dict[str, Fetched] = {}

    def get(kind, target, extra=None):
        got = fetcher(target, {**(headers or {}), **(extra or {})})
        result.resources.append((kind, target, got.status, got.wire_bytes))
        if got.status >= 400:
            result.errors.append(f"{target}: {got.status}")
        return got

    page = get("html", url)
    seen[url] = page
    queue = subresources(page.body.decode("utf-8", "replace"), url)
    while queue:
        kind, target = queue.pop(0)
        if target in seen or urlsplit(target).netloc != urlsplit(url).netloc:
            continue  # a third-party host is not ours to weigh (the portal names none)
        got = seen[target] = get(kind, target)
        if kind == "css" or got.headers.get("content-type", "").startswith("text/css"):
            queue += css_urls(got.body.decode("utf-8", "replace"), target)
    result.first_requests = len(seen)
    result.first_bytes = sum(f.wire_bytes for f in seen.values())
    for target, first in seen.items():
        if target != url and first.cache_max_age() > 0:
            continue  # kept by the browser: not asked for again
        etag = first.headers.get("etag")
        again = get("repeat", target, {"If-None-Match": etag} if etag else None)
        result.repeat_requests += 1
        result.repeat_bytes += again.wire_bytes
    return result


if __name__ == "__main__":
    found = weigh(sys.argv[1])
    for row in found.resources:
        print(*row, sep="\t")
    print(
        f"first visit: {found.first_bytes} bytes in {found.first_requests} requests; "
        f"repeat: {found.repeat_bytes} bytes in {found.repeat_requests}; {found.over_budget}"
    )
