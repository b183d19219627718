"""zh-hans is the default language, its catalogue is complete, English is selectable."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "shanzhi" / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_catalogue_is_complete_and_not_fuzzy():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert len(po) > 200
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    # A "#| msgid" line means gettext guessed the translation from a similar string.
    assert [e.msgid for e in po if e.previous_msgid] == []


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    source = {(e.msgid, e.msgstr or e.msgstr_plural.get(0, "")) for e in po if not e.obsolete}
    compiled = {(e.msgid, e.msgstr or e.msgstr_plural.get(0, "")) for e in mo if e.msgid}
    assert source == compiled, "run `make messages` and commit django.mo"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh in a copy of the source and compare with the catalogue."""
    shutil.copytree(
        ROOT / "shanzhi", tmp_path / "shanzhi", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "shanzhi.settings",
            "SHANZHI_VAR_DIR": str(tmp_path / "var"),
        },
    )
    fresh = polib.pofile(
        str(tmp_path / "shanzhi" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    )
    committed = polib.pofile(str(CATALOGUE / "django.po"))
    missing = {e.msgid for e in fresh} - {e.msgid for e in committed}
    assert not missing, f"strings missing from the catalogue (run make messages): {sorted(missing)}"


@pytest.mark.django_db
def test_language_switch(client):
    assert 'lang="zh-hans"' in client.get("/").content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/grids/"})
    assert response.status_code == 302 and response.url == "/grids/"
    page = client.get("/grids/").content.decode()
    assert 'lang="en"' in page and "Grid roster" in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "网格公示" in client.get("/grids/").content.decode()


@pytest.mark.django_db
def test_unknown_language_is_ignored(client):
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert 'lang="zh-hans"' in client.get("/").content.decode()
