from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo bank (seed_demo): data for local runs, tests and benchmarks; production code never imports it."""

    name = "demo"
