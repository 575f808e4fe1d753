"""Lead jobs: what + where + source + enrich, run in the background by Huey, results stored per lead id."""
