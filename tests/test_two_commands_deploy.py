"""The production examples in deploy/ are complete and agree with each other and with the app:
gunicorn with two or more sync workers (the PDF time limit needs their main thread), `flask work
--loop` as its own service, timers for send-outbox, publish-scheduled, purge and backup, an
environment file that passes the production check, and nginx passing Host and X-Forwarded-*
for TRUSTED_PROXIES=1. One test starts gunicorn exactly as the unit does, on a free port."""

import re
import shlex
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
        "commonground-work.service": "work --loop",
        "commonground-send-outbox.service": "send-outbox",
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
        if name != "commonground-work.service":
            assert settings["Type"] == ["oneshot"]
            timer = unit(name.replace(".service", ".timer"))
            assert timer["Unit"] == [name] and timer["Persistent"] == ["true"]
    assert unit("commonground-work.service")["Restart"] == ["always"]
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
