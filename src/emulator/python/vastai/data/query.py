"""Hardware query DSL, as in `vastai/data/query.py`: columns, GPU name constants and `Query` objects.

On a worker the query is never sent anywhere; it only has to build without errors.
"""
from ._vocabulary import COLUMNS, GPU_NAMES


class Query:
    def __init__(self, terms=None):
        self.terms = dict(terms or {})

    @staticmethod
    def search_defaults():
        return Query({"verified": {"eq": True}, "rentable": {"eq": True}, "rented": {"eq": False}})

    def extend(self, other):
        for col, ops in other.terms.items():
            mine = self.terms.setdefault(col, {})
            clash = set(mine) & set(ops)
            if clash:
                raise ValueError(f"Cannot redefine op(s) {clash} for column '{col}'")
            mine.update(ops)
        return self

    def __and__(self, other):
        q = Query({k: dict(v) for k, v in self.terms.items()})
        return q.extend(other)


class Column:
    def __init__(self, name):
        self.name = name

    def _q(self, op, value):
        return Query({self.name: {op: value}})

    def __eq__(self, v):  # type: ignore[override]
        return self._q("eq", v)

    def __ne__(self, v):  # type: ignore[override]
        return self._q("neq", v)

    def __lt__(self, v):
        return self._q("lt", v)

    def __le__(self, v):
        return self._q("lte", v)

    def __gt__(self, v):
        return self._q("gt", v)

    def __ge__(self, v):
        return self._q("gte", v)

    def in_(self, values):
        return self._q("in", list(values))

    def notin_(self, values):
        return self._q("notin", list(values))

    __hash__ = object.__hash__


for _py, _server in COLUMNS.items():
    globals()[_py] = Column(_server)
globals().update(GPU_NAMES)
