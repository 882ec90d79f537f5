"""bench/run.py's parts that need no wrk and no server: the reference app, the page-weight
parser and the wrk output parser."""

import gzip
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import reference_app  # noqa: E402 - bench/, put on the path above
import run  # noqa: E402
import weight  # noqa: E402


def _capture(folder: Path, pages: list[tuple[bytes, dict, bool]]) -> None:
    """Write captures the way run.capture does: wire bytes, decoded body, manifest."""
    manifest = []
    for number, (wire, headers, text) in enumerate(pages):
        (folder / f"{number}.wire").write_bytes(wire)
        body = weight.decode(wire, headers.get("Content-Encoding"))
        (folder / f"{number}.body").write_bytes(body)
        manifest.append(
            {
                "path": f"/x{number}",
                "status": 200,
                "headers": headers,
                "text": text,
                "charset": "utf-8",
            }
        )
    (folder / "manifest.json").write_text(json.dumps({"pages": manifest}))


def test_reference_app_serves_exactly_the_captured_bytes_and_headers(tmp_path):
    html = "<!doctype html><p>Escuela César Chávez {{ not a template }} &amp; más</p>".encode()
    compressed = gzip.compress(html)
    pdf = b"%PDF-1.7\n\x00\xff binary"
    _capture(
        tmp_path,
        [
            (
                compressed,
                {
                    "Content-Type": "text/html; charset=utf-8",
                    "Content-Encoding": "gzip",
                    "Vary": "Accept-Encoding, Accept-Language",
                    "Set-Cookie": "s=1",
                },
                True,
            ),
            (pdf, {"Content-Type": "application/pdf"}, False),
        ],
    )
    client = reference_app.create_app(tmp_path).test_client()
    page = client.get("/p/0")
    assert page.status_code == 200
    assert page.get_data() == compressed
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.headers["Content-Encoding"] == "gzip"
    assert page.headers["Content-Length"] == str(len(compressed))
    assert page.headers["Vary"] == "Accept-Encoding, Accept-Language"
    assert "Set-Cookie" not in page.headers  # the reference is anonymous too
    document = client.get("/p/1")
    assert document.get_data() == pdf
    assert document.headers["Content-Type"] == "application/pdf"
    assert "Content-Encoding" not in document.headers
    assert client.get("/p/2").status_code == 404


HTML = """<!doctype html><html><head>
<link rel="stylesheet" href="/static/app.1234.css">
<link rel="icon" href="/static/icon.svg" type="image/svg+xml">
<link rel="alternate" type="application/atom+xml" href="/bulletins/feed.xml">
<link rel="canonical" href="https://example.org/">
<script src="/static/htmx.min.js" defer></script>
<script>/* inline, not a request */</script>
</head><body>
<img src="data:image/png;base64,AAAA" alt="">
<img src="pictures/a.webp" alt="a"><img src="/schools/pictures/a.webp#x" alt="same">
<a href="/schools/next">not fetched</a>
</body></html>"""


def test_the_page_weight_parser_counts_what_a_browser_fetches():
    found = weight.subresources(HTML, "http://127.0.0.1:5000/schools/")
    assert found == [
        ("css", "http://127.0.0.1:5000/static/app.1234.css"),
        ("icon", "http://127.0.0.1:5000/static/icon.svg"),
        ("js", "http://127.0.0.1:5000/static/htmx.min.js"),
        ("img", "http://127.0.0.1:5000/schools/pictures/a.webp"),
    ]
    css = "a{background:url('/static/i.svg')} b{background:url(data:x)} @import \"x.css\";"
    assert weight.css_urls(css, "http://h/static/app.css") == [
        ("css", "http://h/static/x.css"),
        ("css-url", "http://h/static/i.svg"),
    ]


def test_weigh_adds_the_subresources_and_honours_caching_on_repeat():
    """A page of 1,000 bytes with an ETag, a stylesheet kept a year naming an icon kept a year,
    and a script without max-age: 4 requests first, then a 304 for the page and the script."""
    css = b"body{background:url(/i.svg)}"
    site = {
        "http://h/": (
            1000,
            b'<link rel="stylesheet" href="/a.css"><script src="/s.js"></script>',
            {"etag": '"p1"', "cache-control": "public, max-age=60"},
        ),
        "http://h/a.css": (
            300,
            css,
            {"content-type": "text/css", "cache-control": "public, max-age=31536000"},
        ),
        "http://h/i.svg": (200, b"<svg/>", {"cache-control": "max-age=31536000"}),
        "http://h/s.js": (500, b"x", {"etag": '"s1"'}),
    }
    asked = []

    def fetcher(url, headers):
        asked.append((url, headers.get("If-None-Match")))
        size, body, headers_out = site[url]
        if "If-None-Match" in headers and headers["If-None-Match"] == headers_out.get("etag"):
            return weight.Fetched(url, 304, 0, b"", headers_out)
        return weight.Fetched(url, 200, size, body, headers_out)

    found = weight.weigh("http://h/", fetcher=fetcher)
    assert (found.first_bytes, found.first_requests) == (2000, 4)
    assert (found.repeat_bytes, found.repeat_requests) == (0, 2)
    assert asked[4:] == [("http://h/", '"p1"'), ("http://h/s.js", '"s1"')]
    assert found.over_budget == []
    site["http://h/"] = (40_000, site["http://h/"][1], site["http://h/"][2])
    assert weight.weigh("http://h/", fetcher=fetcher).over_budget == ["over 40 KB"]


SAMPLE = (BENCH / "wrk" / "sample-latency.txt").read_text()


def test_the_wrk_parser_reads_real_wrk_output():
    found = run.parse_wrk(SAMPLE)
    assert found.requests_per_second == pytest.approx(566.98)
    assert found.p50_ms == pytest.approx(3.18)
    assert found.p99_ms == pytest.approx(10.36)
    assert found.requests == 568
    assert found.non_2xx_3xx == 568
    assert found.errors == 568


def test_the_wrk_parser_counts_socket_errors_and_units():
    # The same capture with the line wrk prints when sockets fail, and other latency units.
    text = SAMPLE.replace(
        "Non-2xx or 3xx responses: 568", "Socket errors: connect 1, read 2, write 3, timeout 4"
    ).replace("3.18ms", "812.00us")
    text = text.replace("10.36ms", "1.50s")
    found = run.parse_wrk(text)
    assert (found.non_2xx_3xx, found.socket_errors, found.errors) == (0, 10, 10)
    assert found.p50_ms == pytest.approx(0.812)
    assert found.p99_ms == pytest.approx(1500)
    with pytest.raises(ValueError):
        run.parse_wrk("wrk: connection refused")
