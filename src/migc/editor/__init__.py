"""The editor room: what `migc lsp` and `migc fmt` are made of (beside the runner, above the compiler).

- `tokens`: a lexer of `.mig` text that keeps everything (comments, whitespace, quoted bodies);
- `fmt`: the canonical layout (`migc fmt`), from the token stream and statement boundaries;
- `positions`: 1-based spans (code points) <-> LSP's 0-based UTF-16 positions, in one place;
- `workspace`: the project as the editor sees it (disk + unsaved text), checked through the
  compiler's own `check_file`, with the schema after each file kept in memory;
- `names`: what each name in a statement stands for, and every object's history (for
  definition, references, hover);
- `complete`, `hover`, `actions`, `symbols`: the answers, as plain data;
- `server`: the pygls server (`migc lsp`), the only module that imports pygls/lsprotocol.

Nothing here is imported by the CLI's start-up: `migc lsp` and `migc fmt` import it inside the command.
"""
