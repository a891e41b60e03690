"""The encoder's error tree: every error the encoder package raises derives from ``EncoderError``.

Sub-trees live with their modules (``encoder.source.errors`` for the dump reader); this module
only holds the root so every part of the encoder can be caught with one ``except``.

Public API: ``EncoderError``.
"""

from __future__ import annotations


class EncoderError(Exception):
    """Base of every error raised by the encoder package."""
