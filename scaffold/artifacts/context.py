"""What every planner of one `add` shares: the repo, its scan, the templates, the spec."""

from __future__ import annotations

from dataclasses import dataclass

from scaffold.artifacts.docs import Components
from scaffold.changes import Workspace
from scaffold.config import RepoLayout
from scaffold.endpoint import Endpoint
from scaffold.inventory import Inventory
from scaffold.render import Renderer


@dataclass
class PlanContext:
    layout: RepoLayout
    workspace: Workspace
    renderer: Renderer
    inventory: Inventory
    components: Components
    endpoint: Endpoint
