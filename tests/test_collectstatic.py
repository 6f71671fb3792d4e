"""The production path's first step: collectstatic with the storage production uses (WhiteNoise's
compressed manifest), which fails on any file a stylesheet or script refers to that is not there
(Bootstrap's source maps were not copied: every page answered 500 with DEBUG off)."""

from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_with_the_production_storage_finds_every_file_the_assets_refer_to(tmp_path):
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.contrib.staticfiles.storage import staticfiles_storage

        hashed = staticfiles_storage.url("vendor/bootstrap.min.css")

    assert hashed != "/static/vendor/bootstrap.min.css"  # a hashed name from the manifest
    assert (tmp_path / "staticfiles.json").exists()
    assert (tmp_path / hashed.removeprefix("/static/")).exists()
