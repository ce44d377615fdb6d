"""The one expression tree (see nodes.py)."""

from migc.expr.nodes import (
    VALUE_KEYWORDS,
    Between,
    Binary,
    Cast,
    ColumnRef,
    Expr,
    FuncCall,
    Ident,
    InList,
    IsNull,
    Like,
    Literal,
    Paren,
    Predicate,
    QName,
    TypeRef,
    Unary,
    ValueKeyword,
    index_element_sql,
)

__all__ = [
    "Between", "Binary", "Cast", "ColumnRef", "Expr", "FuncCall", "Ident", "InList", "IsNull", "Like",
    "Literal", "Paren", "Predicate", "QName", "TypeRef", "Unary", "ValueKeyword", "VALUE_KEYWORDS",
    "index_element_sql",
]
