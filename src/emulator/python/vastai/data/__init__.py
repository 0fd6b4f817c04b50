from .query import Query, Column  # noqa: F401
from . import query  # noqa: F401
