"""Business logic: one module of functions per resource, taking the App first."""
