"""The query language of views (see nodes.py)."""

from migc.query.nodes import (
    Alias,
    AnySubquery,
    CommonTable,
    Exists,
    FromItem,
    FunctionRef,
    InSubquery,
    Join,
    Query,
    QueryBody,
    ScalarSubquery,
    Select,
    SelectItem,
    SetOp,
    SubqueryRef,
    TableRef,
    Values,
    ValuesRow,
)

__all__ = [
    "Alias", "AnySubquery", "CommonTable", "Exists", "FromItem", "FunctionRef", "InSubquery", "Join", "Query", "QueryBody",
    "ScalarSubquery", "Select", "SelectItem", "SetOp", "SubqueryRef", "TableRef", "Values", "ValuesRow",
]
