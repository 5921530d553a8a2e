"""The clinical rules: a pure function from a record to an assessment (consult.rules.engine.assess)."""
