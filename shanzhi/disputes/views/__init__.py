"""Pages of the disputes app: thin views that parse, check access, call an action and
respond (one module per concept)."""
