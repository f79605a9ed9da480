"""Repositories: explicit conversion between table rows and ``menwei.core`` dataclasses."""
