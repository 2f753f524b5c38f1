from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dxtasks.api"
    label = "api"
    verbose_name = "API"
