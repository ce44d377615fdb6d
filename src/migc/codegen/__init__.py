"""Code generation: IR ops -> PostgreSQL SQL text. Pure text; nothing here touches a database."""
