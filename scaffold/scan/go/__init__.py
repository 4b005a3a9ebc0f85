"""The read side for a Go server, on tree-sitter's Go grammar: one reader per checklist item
(route, handler, driver, tests — the docs are YAML whatever the server's language), each
producing the same facts as its Python twin in `scaffold.scan`, so one catalog joins both."""
