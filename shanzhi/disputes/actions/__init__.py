"""The only code that changes this app's rows: each ``do_*`` runs in one transaction and
writes its audit event; mediation steps go through the case engine."""
