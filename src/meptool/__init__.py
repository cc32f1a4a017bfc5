"""meptool: the project lead's toolkit for the day a production release goes wrong."""

__version__ = "0.1.0"
