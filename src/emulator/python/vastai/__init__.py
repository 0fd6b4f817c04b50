"""The emulator's stand-in for the `vastai` SDK on a local worker (serve mode only).

Only the part of the SDK that a deployment file touches when a worker imports it: `Deployment` (serve side),
`vastai.data.query`. Standard library only.
"""
from .serverless.remote import Deployment  # noqa: F401
from . import data  # noqa: F401

__all__ = ["Deployment", "data"]
