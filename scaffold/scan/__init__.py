"""The read side, on the stdlib `ast`, libyaml and (for Go) tree-sitter: one reader per
checklist item (docs, route, handler, driver, tests), the scanner that runs them, and the
catalog that joins them."""
