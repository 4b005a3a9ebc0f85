"""One module per checklist item — docs, route, handler, driver, tests — each holding both its
add and its remove, from the Jinja templates and text or libcst edits.

Each planner edits a Workspace in memory; nothing here touches disk.
"""
