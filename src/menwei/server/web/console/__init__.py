"""The property office's console: the pages its staff work in, under ``/office``."""
