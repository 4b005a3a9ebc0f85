"""Edit primitives that know text formats, not repos: YAML splices and scalars, Python as text
at `ast` positions, libcst for imports, TOML, templates and code formatting."""
