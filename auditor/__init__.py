"""Omniaudit: audit whether a company tells customers the same thing in every channel."""

__version__ = "0.1.0"

