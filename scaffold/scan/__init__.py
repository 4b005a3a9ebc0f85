"""The read side, on the stdlib `ast` and libyaml only: one reader per checklist item (docs,
route, handler, driver, tests), the scanner that runs them, and the catalog that joins them."""
