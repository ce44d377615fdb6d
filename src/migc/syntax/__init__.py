"""Syntax: the AST of a .mig file and the parser that builds it."""
