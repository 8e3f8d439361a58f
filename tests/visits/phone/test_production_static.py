"""In production static files have hashed names (whitenoise's manifest storage):
the app's ES modules must import the hashed files of the same deploy, and the
service worker must cache those names."""

import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

IMPORT = re.compile(r"""(?:import|export)[^;]*?from\s*["']([./][^"']+)["']\s*;""")


@pytest.fixture
def collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "fieldservice.staticfiles.ManifestStaticFilesStorage"
        },
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    return tmp_path, json.loads((tmp_path / "staticfiles.json").read_text())["paths"]


@pytest.mark.django_db
def test_collected_modules_import_the_hashed_files_of_the_same_deploy(collected):
    root, manifest = collected
    modules = [
        name for name in manifest if name.startswith("phone/") and name.endswith(".js")
    ]
    checked = 0
    for name in modules:
        hashed = root / manifest[name]
        for target in IMPORT.findall(hashed.read_text()):
            imported = (hashed.parent / target).resolve()
            assert imported.is_file(), (name, target)
            original = imported.relative_to(root).as_posix()
            assert original in manifest.values(), (name, target)  # a hashed name
            checked += 1
    assert "phone/screens/signoff.js" in modules
    assert checked >= 30


@pytest.mark.django_db
def test_the_service_worker_caches_the_hashed_names(collected):
    root, manifest = collected

    script = Client().get("/app/sw.js").content.decode()

    shell = json.loads(script.split("const SHELL = ", 1)[1].split(";\n", 1)[0])
    assert f"/static/{manifest['phone/main.js']}" in shell
    assert f"/static/{manifest['vendor/idb-8.0.4/index.js']}" in shell
    for url in shell[1:]:
        assert (root / url.removeprefix("/static/")).is_file(), url


@pytest.mark.django_db
def test_the_shell_preloads_the_hashed_modules(collected):
    root, manifest = collected

    html = Client().get("/app/").content.decode()

    preloaded = re.findall(r'<link rel="modulepreload" href="/static/([^"]+)">', html)
    assert preloaded[0] == manifest["phone/dom.js"]
    assert manifest["phone/screens/today.js"] in preloaded
    assert manifest["phone/screens/visit.js"] not in preloaded
    for name in preloaded:
        assert (root / name).is_file(), name


@pytest.mark.django_db
def test_the_screens_loaded_on_first_use_are_the_hashed_files(collected):
    root, manifest = collected
    main = root / manifest["phone/main.js"]

    loaded_later = re.findall(r"""import\(["']([^"']+)["']\)""", main.read_text())

    assert len(loaded_later) == 6
    for target in loaded_later:
        imported = (main.parent / target).resolve().relative_to(root).as_posix()
        assert imported in manifest.values(), target
