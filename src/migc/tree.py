"""The node protocol every tree in migc shares, and the plumbing that builds nodes from the parser.

Every node (an expression, a statement, a column definition...) is a frozen dataclass. Its
child-bearing fields are named in the class's `ARGS`, as sqlglot's `Expression.arg_types` are: so
one `children`, one `walk` and one `transform` serve every node class, and a new node class needs
no edit anywhere else to be walked, searched or rewritten. Spans never take part in equality.

The second half is parse plumbing: a grammar rule's builder receives the rule's children (tokens,
nodes, markers; `None` for an absent optional part) and makes a node of them with a span that runs
from the first positioned child to the last. Builders register under the rule names they build
(`@builder("like")`); the parser (syntax/parser.py) looks them up by name. A leaf module: it knows
nothing of Lark (tokens are read by their `type`, `value`, `line` and `column` attributes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import field, replace
from typing import Any, ClassVar, TypeVar

from migc.source import NO_SPAN, Span

def span_field() -> Any:
    """A dataclass field for a span: excluded from equality and repr, so alike nodes compare equal.
    (A new Field each time: one Field object must never serve two fields.)"""
    return field(default=NO_SPAN, compare=False, repr=False)

N = TypeVar("N", bound="Node")
T = TypeVar("T")


class Node:
    """Base of every tree node. Subclasses are frozen dataclasses with a `span` field."""

    __slots__ = ()
    ARGS: ClassVar[tuple[str, ...]] = ()  # fields holding a child node, a tuple of them, or None
    span: Span

    def children(self) -> Iterator[Node]:
        for name in self.ARGS:
            value = getattr(self, name)
            if isinstance(value, Node):
                yield value
            elif isinstance(value, tuple):
                for item in value:
                    if isinstance(item, Node):
                        yield item

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, parents first."""
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            yield node
            kids = list(node.children())
            kids.reverse()
            stack.extend(kids)

    def find_all(self, kind: type[N]) -> Iterator[N]:
        return (n for n in self.walk() if isinstance(n, kind))

    def transform(self: N, fn: Callable[[Node], Node | None]) -> N:
        """Rebuild bottom-up: `fn` gets each rebuilt node and returns a replacement, or None to keep it."""
        changes: dict[str, object] = {}
        for name in self.ARGS:
            value = getattr(self, name)
            if isinstance(value, Node):
                new = value.transform(fn)
                if new is not value:
                    changes[name] = new
            elif isinstance(value, tuple):
                items = tuple(v.transform(fn) if isinstance(v, Node) else v for v in value)
                if any(a is not b for a, b in zip(items, value)):
                    changes[name] = items
        node = replace(self, **changes) if changes else self  # type: ignore[type-var]
        result = fn(node)
        return result if result is not None else node  # type: ignore[return-value]


# ---------------------------------------------------------------- building nodes from the parser

Builder = Callable[[list[Any]], Any]
BUILDERS: dict[str, Builder] = {}  # grammar rule (or alias) name -> builder
# grammar rule -> what imports the module of its builder, for the modules loaded on first use
# (see migc.kinds): the parser calls it when it first makes such a node
ON_DEMAND: dict[str, Callable[[], object]] = {}


def build_from(cls: Callable[..., Any], *kinds: type) -> Builder:
    """A builder for a node made of one child of each of `kinds`, in order, and its span:
    `build_from(RenameTable, QName, Ident)`."""

    def build(children: list[Any]) -> Any:
        taken: list[Any] = []
        start = 0
        for kind in kinds:
            while not isinstance(children[start], kind):
                start += 1
            taken.append(children[start])
            start += 1
        return cls(*taken, span_of(children))

    return build


def builder(*rules: str) -> Callable[[Builder], Builder]:
    """Register a function as the builder of these grammar rules."""

    def register(fn: Builder) -> Builder:
        for rule in rules:
            existing = BUILDERS.get(rule)
            if existing is not None and existing is not fn:
                raise RuntimeError(f"grammar rule {rule!r} has two builders: {existing.__qualname__}, {fn.__qualname__}")
            BUILDERS[rule] = fn
        return fn

    return register


class Marker:
    """What a keyword-only rule (`not valid`, `[]`, `using ...`) hands up to the rule that holds it."""

    __slots__ = ("kind", "value", "span")

    def __init__(self, kind: str, value: Any, span: Span) -> None:
        self.kind = kind
        self.value = value
        self.span = span


def start_of(item: Any) -> tuple[int, int] | None:
    """Where a child starts: a node's or marker's span, a token's position, or None (absent part)."""
    span = getattr(item, "span", None)
    if span is not None:
        return span.line, span.col
    line = getattr(item, "line", None)
    return (line, item.column) if line is not None else None


def end_of(item: Any) -> tuple[int, int] | None:
    span = getattr(item, "span", None)
    if span is not None:
        return span.end_line, span.end_col
    line = getattr(item, "end_line", None)
    return (line, item.end_column) if line is not None else None


def token_span(token: Any) -> Span:
    return Span(token.line, token.column, token.end_line, token.end_column)


def span_of(children: list[Any]) -> Span:
    """From the first positioned child to the last."""
    if children:  # the common case: both ends are a token or a node
        a, b = children[0], children[-1]
        sa, sb = getattr(a, "span", None), getattr(b, "span", None)
        try:
            start = (sa.line, sa.col) if sa is not None else (a.line, a.column)
            end = (sb.end_line, sb.end_col) if sb is not None else (b.end_line, b.end_column)
            return Span(start[0], start[1], end[0], end[1])
        except AttributeError:
            pass  # an end that has no position (a value a builder made): look further in
    first = last = None
    for item in children:
        first = start_of(item)
        if first is not None:
            break
    for item in reversed(children):
        last = end_of(item)
        if last is not None:
            break
    if first is None or last is None:
        return NO_SPAN
    return Span(first[0], first[1], last[0], last[1])


def token(children: list[Any], *types: str) -> Any | None:
    """The first token among the children with one of these types."""
    for c in children:
        if getattr(c, "type", None) in types:
            return c
    return None


def has_token(children: list[Any], *types: str) -> bool:
    return token(children, *types) is not None


def nodes(children: list[Any], kind: type[T] | tuple[type[T], ...]) -> list[T]:
    return [c for c in children if isinstance(c, kind)]


def node(children: list[Any], kind: type[T] | tuple[type[T], ...]) -> T:
    """The first child of this kind (the grammar guarantees there is one)."""
    for c in children:
        if isinstance(c, kind):
            return c
    raise AssertionError(f"no {kind} among the children")


def optional(children: list[Any], kind: type[T] | tuple[type[T], ...]) -> T | None:
    for c in children:
        if isinstance(c, kind):
            return c
    return None


def markers(children: list[Any], kind: str) -> list[Marker]:
    return [c for c in children if isinstance(c, Marker) and c.kind == kind]


def marker(children: list[Any], kind: str) -> Marker | None:
    for c in children:
        if isinstance(c, Marker) and c.kind == kind:
            return c
    return None


def marker_value(children: list[Any], kind: str, default: Any = None) -> Any:
    found = marker(children, kind)
    return found.value if found is not None else default


def unquote(text: str, quote: str) -> str:
    return text[1:-1].replace(quote * 2, quote)


def dollar_body(text: str) -> str:
    """The body of a dollar-quoted string, `$tag$ ... $tag$` (the tag may be empty)."""
    tag_end = text.index("$", 1) + 1
    return text[tag_end:len(text) - tag_end]


def string_value(tok: Any) -> str:
    """The text of a 'string' token."""
    return unquote(tok.value, "'")
