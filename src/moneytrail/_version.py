"""Version of the code, recorded with every source and finding it produces."""

__version__ = "0.1.0"
