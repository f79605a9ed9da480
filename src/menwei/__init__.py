"""menwei (门卫): privacy-first face-recognition access control for residential communities."""

__version__ = "0.1.0"
