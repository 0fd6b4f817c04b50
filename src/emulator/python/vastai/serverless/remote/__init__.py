import os

if os.environ.get("IS_DEPLOYMENT"):
    from .serve import Deployment  # noqa: F401
else:
    from .serve import DeployModeUnavailable as Deployment  # noqa: F401

__all__ = ["Deployment"]
