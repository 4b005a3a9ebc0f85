"""HTTP plumbing shared by every handler: the request Context, the Router and the wrappers."""
