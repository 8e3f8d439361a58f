"""Several web nodes share their state: the deploy check refuses shared media
with a cache kept in each process's memory."""

from django.core import checks

LOCAL = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
REDIS = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:6379/0",
}


def deploy_check_ids() -> list[str]:
    return [m.id for m in checks.run_checks(include_deployment_checks=True)]


def test_media_on_s3_with_a_per_process_cache_is_warned_about(settings):
    settings.MEDIA_STORAGE = "s3"
    settings.CACHES = {**settings.CACHES, "default": LOCAL}

    assert "fieldservice.W001" in deploy_check_ids()


def test_media_on_s3_with_a_shared_cache_passes(settings):
    settings.MEDIA_STORAGE = "s3"
    settings.CACHES = {**settings.CACHES, "default": REDIS}

    assert "fieldservice.W001" not in deploy_check_ids()


def test_one_box_with_media_on_its_disk_may_keep_its_cache_in_memory(settings):
    settings.MEDIA_STORAGE = "filesystem"
    settings.CACHES = {**settings.CACHES, "default": LOCAL}

    assert "fieldservice.W001" not in deploy_check_ids()
