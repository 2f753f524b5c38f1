from django.apps import AppConfig


class RateLimitsConfig(AppConfig):
    name = "dxtasks.ratelimits"
    verbose_name = "Rate limits"
    default_auto_field = "django.db.models.BigAutoField"
