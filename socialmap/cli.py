"""Command groups of ``flask --app socialmap``."""
from flask import Flask


def register(app: Flask) -> None:
    pass
