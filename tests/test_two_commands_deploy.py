"""The production examples in deploy/ are complete and agree with each other and with the app:
gunicorn with two or more sync workers (the PDF time limit needs their main thread), the task
queue's `flask worker` as its own service (it also sends the outbox: no timer for that), timers
for publish-scheduled, purge, backup, reminders and digests, an environment file that passes the
production check, and nginx: TLS (Mozilla intermediate), HTTP to HTTPS, gzip and Brotli, static
files for a year, a proxy cache for anonymous pages keyed like the app's Vary and bypassed when
signed in, Host and X-Forwarded-* for TRUSTED_PROXIES=1. `nginx -t` checks the site when nginx
is installed; one test starts gunicorn exactly as the unit does, on a free port."""

import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
ENV_FILE = "/etc/commonground/commonground.env"
VENV = "/srv/commonground/.venv/bin/"


def unit(name: str) -> dict[str, list[str]]:
    """A systemd unit file's settings (continued lines joined, comments dropped): key -> values."""
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / name).read_text())
    settings: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "commonground.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            pairs[key] = value
    return pairs


def gunicorn_args() -> list[str]:
    (command,) = unit("commonground.service")["ExecStart"]
    args = shlex.split(command)
    assert args[0] == VENV + "gunicorn"
    return args[1:]


def test_gunicorn_runs_two_or_more_sync_workers_behind_nginx():
    args = gunicorn_args()
    workers = int(args[args.index("--workers") + 1])
    assert workers >= 2
    assert args[args.index("--worker-class") + 1] == "sync"
    assert not any(a.startswith(("--threads", "-k", "--worker-connections")) for a in args)
    bind = args[args.index("--bind") + 1]
    assert f"server {bind};" in (DEPLOY / "nginx.conf").read_text()
    # gunicorn kills a worker after --timeout: the app's PDF limit must come first.
    assert int(args[args.index("--timeout") + 1]) > 15


def test_every_scheduled_command_has_a_service_and_a_timer(app):
    commands = set(app.cli.list_commands(None))
    expected = {
        "commonground-worker.service": "worker -w 2",
        "commonground-publish-scheduled.service": "publish-scheduled",
        "commonground-purge.service": "purge",
        "commonground-backup.service": "backup",
        "commonground-send-reminders.service": "send-reminders",
        "commonground-send-digests.service": "send-digests",
    }
    for name, command in expected.items():
        settings = unit(name)
        assert settings["User"] == ["commonground"]
        assert settings["EnvironmentFile"] == [ENV_FILE]
        (exec_start,) = settings["ExecStart"]
        assert f"{VENV}flask --app wsgi {command}" in exec_start
        assert command.split()[0] in commands, f"flask {command} is not a command of the app"
        if name != "commonground-worker.service":
            assert settings["Type"] == ["oneshot"]
            timer = unit(name.replace(".service", ".timer"))
            assert timer["Unit"] == [name] and timer["Persistent"] == ["true"]
    worker = unit("commonground-worker.service")
    assert worker["Restart"] == ["always"] and worker["KillSignal"] == ["SIGTERM"]
    # SIGTERM to the consumer, which interrupts its workers (the job in hand goes back).
    assert worker["KillMode"] == ["mixed"] and int(worker["TimeoutStopSec"][0]) >= 10
    # Replaced: the home-made queue's loop, and the outbox timer (the worker sends e-mail).
    for gone in (
        "commonground-work.service",
        "commonground-send-outbox.service",
        "commonground-send-outbox.timer",
    ):
        assert not (DEPLOY / gone).exists(), gone
    for daily in ("purge", "backup", "send-digests"):
        (when,) = unit(f"commonground-{daily}.timer")["OnCalendar"]
        assert re.fullmatch(r"\*-\*-\* \d\d:\d\d:00", when), when
    assert unit("commonground.service")["EnvironmentFile"] == [ENV_FILE]


def test_the_environment_file_names_every_setting_and_passes_the_production_check(monkeypatch):
    values = env_example()
    for key in (
        "PORTAL_ENV",
        "SECRET_KEY",
        "PUBLIC_BASE_URL",
        "DATABASE_URL",
        "REDIS_URL",
        "SECURITY_CONTACT",
        "TRUSTED_PROXIES",
        "TASK_QUEUE_URL",
    ):
        assert key in values, key
    assert values["PORTAL_ENV"] == "production" and values["TRUSTED_PROXIES"] == "1"
    from portal.config import Config

    for key, value in values.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Config().check()  # the placeholder must be replaced before the portal starts
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    config = Config()
    config.check()
    assert config.TRUSTED_PROXIES == 1 and config.SESSION_COOKIE_SECURE
    assert config.TRUSTED_HOSTS == ["portal.example.org"]


def test_nginx_passes_host_and_one_value_of_each_forwarded_header():
    text = (DEPLOY / "nginx.conf").read_text()
    for header, value in (
        ("Host", "$host"),
        ("X-Forwarded-For", "$remote_addr"),
        ("X-Forwarded-Proto", "$scheme"),
        ("X-Forwarded-Host", "$host"),
    ):
        assert f"proxy_set_header {header} {value};" in text
    # Debian 12's nginx 1.22 knows no "http2 on;" (nginx -t fails): HTTP/2 is a listen flag.
    assert "listen 443 ssl http2;" in text and "http2 on" not in text
    size = int(re.search(r"client_max_body_size (\d+)m;", text).group(1))
    from portal.config import Config

    assert size * 1024 * 1024 > Config().MAX_CONTENT_LENGTH  # the app's own 413 page answers


def _site() -> str:
    """nginx.conf without its comments."""
    return re.sub(r"#[^\n]*", "", (DEPLOY / "nginx.conf").read_text())


def _directives(name: str) -> list[str]:
    return [m.strip() for m in re.findall(rf"(?m)^\s*{name}\s+([^;]*);", _site())]


def test_nginx_speaks_modern_tls_and_sends_plain_http_to_https():
    assert _directives("ssl_protocols") == ["TLSv1.2 TLSv1.3"]
    (ciphers,) = _directives("ssl_ciphers")
    for cipher in ciphers.split(":"):
        # Mozilla intermediate: forward secrecy (ECDHE/DHE) and AEAD only: no CBC, no RSA kex.
        assert cipher.startswith(("ECDHE-", "DHE-")), cipher
        assert "GCM" in cipher or "CHACHA20-POLY1305" in cipher, cipher
    assert _directives("ssl_session_tickets") == ["off"]
    assert _directives("ssl_prefer_server_ciphers") == ["off"]
    plain = re.search(r"server \{[^}]*listen 80;[^}]*\}", _site()).group(0)
    assert "return 301 https://$host$request_uri;" in plain


def test_nginx_compresses_and_serves_static_files_for_a_year():
    assert _directives("gzip") == ["on"] and _directives("brotli") == ["on"]
    for types in _directives("gzip_types") + _directives("brotli_types"):
        assert {"text/css", "application/javascript", "text/calendar"} <= set(types.split())
    static = re.search(r"location /static/ \{([^}]*)\}", _site()).group(1)
    assert "alias /srv/commonground/portal/static/;" in static
    assert 'add_header Cache-Control "public, max-age=31536000, immutable";' in static
    assert "expires" not in static  # it would add a second Cache-Control header


def test_nginx_caches_anonymous_pages_as_the_app_varies_them(app):
    (key,) = _directives("proxy_cache_key")
    # What the app's Vary names (web._cache_headers): the language, and htmx's two headers.
    for part in (
        "$request_uri",
        "$host",
        "$cookie_lang",
        "$http_accept_language",
        "$http_hx_request",
        "$http_hx_target",
    ):
        assert part in key, part
    from portal import i18n

    assert i18n.COOKIE_NAME == "lang"
    # Signed in (either cookie): never served from, nor stored in, the shared cache.
    session, remember = (
        app.config["SESSION_COOKIE_NAME"],
        app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
    )
    assert f'map "$cookie_{session}$cookie_{remember}" $commonground_signed_in' in _site()
    assert _directives("proxy_cache_bypass") == ["$commonground_signed_in $http_authorization"]
    assert _directives("proxy_no_cache") == ["$commonground_signed_in $http_authorization"]
    (stale,) = _directives("proxy_cache_use_stale")
    assert stale.split()[0] == "updating"
    assert _directives("proxy_cache_lock") == ["on"]
    assert _directives("proxy_cache_revalidate") == ["on"]
    # Vary is honoured: nothing tells nginx to ignore the app's caching headers.
    assert not _directives("proxy_ignore_headers") and not _directives("proxy_cache_valid")


def test_nginx_limits_and_timeouts_agree_with_the_app_and_gunicorn():
    from portal.config import Config

    limit = Config().MAX_CONTENT_LENGTH
    (size,) = _directives("client_max_body_size")
    size_bytes = int(size.rstrip("m")) * 1024 * 1024
    assert limit < size_bytes <= 2 * limit  # the app's own 413 page answers, nginx's soon after
    args = gunicorn_args()
    (read,) = _directives("proxy_read_timeout")
    assert (
        Config().PDF_TIME_LIMIT_SECONDS
        < int(read.rstrip("s"))
        < int(args[args.index("--timeout") + 1])
    )
    for name in ("client_header_timeout", "client_body_timeout", "proxy_connect_timeout"):
        assert _directives(name), name


def test_nginx_accepts_the_site(tmp_path):
    """`nginx -t` on the site as written (certificate paths and the cache folder moved into a
    temporary folder), inside a minimal nginx.conf; the Brotli module is loaded when installed."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx-core): structural checks only")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            "/CN=portal.example.org",
            "-days",
            "2",
            "-keyout",
            str(tmp_path / "key.pem"),
            "-out",
            str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    site = (DEPLOY / "nginx.conf").read_text()
    site = site.replace(
        "/etc/letsencrypt/live/portal.example.org/fullchain.pem", str(tmp_path / "cert.pem")
    )
    site = site.replace(
        "/etc/letsencrypt/live/portal.example.org/privkey.pem", str(tmp_path / "key.pem")
    )
    site = site.replace("/var/cache/nginx/commonground", str(tmp_path / "cache"))
    (tmp_path / "site.conf").write_text(site)
    brotli = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
    if not brotli.exists():
        pytest.skip(
            "the Brotli module is missing (apt-get install libnginx-mod-http-brotli-filter)"
        )
    (tmp_path / "nginx.conf").write_text(
        f"load_module {brotli};\n"
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ access_log {tmp_path}/access.log; client_body_temp_path {tmp_path}/body;\n"
        f"proxy_temp_path {tmp_path}/proxy; include {tmp_path}/site.conf; }}\n"
    )
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_starts_as_the_unit_says_with_the_example_settings(tmp_path):
    args = gunicorn_args()
    port = _free_port()
    args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
    env = {
        **env_example(),
        "SECRET_KEY": "b" * 64,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    env.pop("REDIS_URL")
    env.pop("TASK_QUEUE_URL")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz",
            headers={"Host": "portal.example.org", "X-Forwarded-Proto": "https"},
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer")
        assert '"database"' in body or "ok" in body
        workers = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(workers) == int(args[args.index("--workers") + 1])
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert "Booting worker" in output and "sync" in output, output
