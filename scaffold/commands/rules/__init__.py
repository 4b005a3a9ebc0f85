"""The rules of `scaffold check`, in groups: the docs against the routes (`docs`), and the
driver, tests and documented statuses of each route (`coverage`); `base` makes findings."""
