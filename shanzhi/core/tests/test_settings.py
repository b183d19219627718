"""The settings file read under different environments, each in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); print(json.dumps({"
    "'secret': settings.SECRET_KEY, 'session_secure': settings.SESSION_COOKIE_SECURE,"
    "'csrf_secure': settings.CSRF_COOKIE_SECURE, 'hsts': settings.SECURE_HSTS_SECONDS,"
    "'redirect': settings.SECURE_SSL_REDIRECT, 'engine': settings.DATABASES['default']['ENGINE'],"
    "'mode': settings.DATABASES['default'].get('OPTIONS', {}).get('transaction_mode'),"
    "'lang': settings.LANGUAGE_CODE, 'csp': settings.CONTENT_SECURITY_POLICY['DIRECTIVES']}))"
)


def probe(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SHANZHI_", "DATABASE_"))}
    clean.update(
        {"DJANGO_SETTINGS_MODULE": "shanzhi.settings", "SHANZHI_VAR_DIR": str(tmp_path), **env}
    )
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_secret_key_is_generated_once_into_var(tmp_path):
    first = probe(tmp_path)
    second = probe(tmp_path)
    assert len(first["secret"]) >= 50
    assert first["secret"] == second["secret"]
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first["secret"]
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_secret_key_from_environment_wins(tmp_path):
    assert probe(tmp_path, SHANZHI_SECRET_KEY="from-env-" + "x" * 50)["secret"].startswith(
        "from-env-"
    )


def test_production_defaults_are_secure(tmp_path):
    values = probe(tmp_path)
    assert values["session_secure"] and values["csrf_secure"] and values["redirect"]
    assert values["hsts"] >= 31536000
    assert values["csp"]["script-src"] == ["'self'"]


def test_debug_turns_off_https_only_settings(tmp_path):
    values = probe(tmp_path, SHANZHI_DEBUG="1")
    assert not values["session_secure"] and values["hsts"] == 0 and not values["redirect"]


def test_embedded_sqlite_uses_immediate_transactions(tmp_path):
    values = probe(tmp_path)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["mode"] == "IMMEDIATE"
    assert values["lang"] == "zh-hans"


def test_database_url_selects_postgresql(tmp_path):
    values = probe(tmp_path, DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert values["engine"] == "django.db.backends.postgresql"


def test_embedded_sqlite_runs_in_wal_mode(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHANZHI_", "DATABASE_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "shanzhi.settings", "SHANZHI_VAR_DIR": str(tmp_path)})
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "wal"
