"""Grid workers' rounds and household visits (走访): plans, visits recorded on a phone,
and the changes to the registry found on them, confirmed by community staff."""
