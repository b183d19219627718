"""Legal review (法制审核 / 合法性审查) of administrative acts before they are taken."""
