"""The rule packs shipped with cleaner, installed as the package `cleaner.rulepacks` (YAML files only)."""
