"""The English catalogue: complete, compiled, and used when a user switches language.

Chinese (zh-hans) is the default and the language of every source string; English comes from
locale/en/LC_MESSAGES/django.po, whose compiled .mo is committed so the site runs without
gettext installed (issue 2: "Chinese by default, English available; every string translated").
"""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

PO = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def parse_po(path):
    """Entries of a .po file as dicts: msgctxt, msgid, msgid_plural, msgstr (a list), flags.

    Small on purpose (no polib in the project). Entries are separated by blank lines, as
    makemessages writes them; obsolete ``#~`` entries are left out, as msgfmt does.
    """
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, field = {"flags": set(), "msgstr": []}, None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[field] = entry.get(field, "") + ast.literal_eval(line)
            else:
                field, _, quoted = line.partition(" ")
                entry[field] = ast.literal_eval(quoted)
        if "msgid" not in entry:
            continue
        forms = sorted(k for k in entry if k.startswith("msgstr["))
        entry["msgstr"] = [entry.pop(k) for k in forms] if forms else [entry.pop("msgstr")]
        entries.append(entry)
    return entries


def messages(entries):
    """The translations proper: every entry but the header."""
    return [e for e in entries if e["msgid"]]


def mo_catalogue(path):
    with path.open("rb") as f:
        return dict(gettext.GNUTranslations(f)._catalog)


def po_catalogue(entries):
    """What a correct .mo holds for these entries, keyed as GNUTranslations keys its catalogue."""
    catalogue = {}
    for e in messages(entries):
        key = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if "msgid_plural" in e:
            for index, text in enumerate(e["msgstr"]):
                catalogue[(key, index)] = text
        else:
            catalogue[key] = e["msgstr"][0]
    return catalogue


@pytest.fixture(scope="module")
def entries():
    return parse_po(PO)


@pytest.fixture(autouse=True)
def back_to_default_language():
    # A request in English activates "en" for this thread; later tests expect Chinese messages.
    yield
    translation.deactivate()


def test_the_parser_reads_the_whole_catalogue(entries):
    """Guards the checks below: a parser that read nothing would make them pass vacuously."""
    found = messages(entries)
    header = 1
    assert len(found) == PO.read_text("utf-8").count("\nmsgid ") - header
    assert len(found) > 300
    assert any("msgid_plural" in e for e in found)


def test_every_string_has_an_english_translation(entries):
    untranslated = [
        e["msgid"] for e in messages(entries) if not e["msgstr"] or not all(e["msgstr"])
    ]
    assert untranslated == []


def test_no_translation_is_left_fuzzy(entries):
    """Fuzzy entries are guesses by msgmerge; msgfmt leaves them out, so users would see Chinese."""
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []


def test_english_text_is_not_a_copy_of_the_chinese(entries):
    han = re.compile(r"[\u4e00-\u9fff]")
    # The language's own name stays in its script in the language switcher.
    allowed = {"简体中文"}
    copied = [
        e["msgid"]
        for e in messages(entries)
        if e["msgid"] not in allowed and any(han.search(text) for text in e["msgstr"])
    ]
    assert copied == []


def test_translations_keep_every_placeholder(entries):
    """A lost or renamed %(name)s raises KeyError (or drops the value) when the message is shown."""
    broken = []
    for e in messages(entries):
        sources = [e["msgid"]] + [e.get("msgid_plural", "")] * (len(e["msgstr"]) - 1)
        for source, text in zip(sources, e["msgstr"], strict=True):
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                broken.append(e["msgid"])
    assert broken == []


def test_committed_mo_holds_exactly_the_po(entries):
    """The site reads the .mo; it must say what the .po says (recompile after every edit)."""
    compiled = mo_catalogue(MO)
    compiled.pop("", None)  # the header
    assert compiled == po_catalogue(entries)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_committed_mo_matches_a_fresh_msgfmt_compile(tmp_path):
    fresh = tmp_path / "django.mo"
    msgfmt = shutil.which("msgfmt")
    subprocess.run([msgfmt, "--check", "-o", str(fresh), str(PO)], check=True)  # noqa: S603
    assert mo_catalogue(MO) == mo_catalogue(fresh)


def switch_to_english(client, next_url):
    response = client.post(reverse("set_language"), {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录目标管理系统" in html
    assert "Log in to the Target Management System" not in html


@pytest.mark.django_db
def test_login_page_in_english_after_switching_language(client):
    switch_to_english(client, reverse("accounts:login"))
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in to the Target Management System" in html
    assert "Password" in html
    assert "登录目标管理系统" not in html


@pytest.mark.django_db
def test_targets_list_is_chinese_by_default(client, staff_a, draft):
    client.force_login(staff_a)
    html = client.get(reverse("targets:target_list")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "目标清单" in html
    assert "牵头部门" in html


@pytest.mark.django_db
def test_targets_list_in_english_after_switching_language(client, staff_a, draft):
    client.force_login(staff_a)
    switch_to_english(client, reverse("targets:target_list"))
    response = client.get(reverse("targets:target_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "<h1>Targets" in html
    assert "Lead department" in html  # column header and filter label
    assert "New target" in html
    assert "Log out" in html
    # The user's own data stays as written: only the interface changes language.
    assert draft.title in html
    for chinese in ("目标清单", "牵头部门", "新建目标", "退出登录"):
        assert chinese not in html


@pytest.mark.django_db
def test_switching_back_to_chinese(client, staff_a):
    client.force_login(staff_a)
    switch_to_english(client, reverse("targets:target_list"))
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = client.get(reverse("targets:target_list")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "目标清单" in html
