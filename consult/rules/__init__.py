"""The clinical rules: a pure function from a record to an assessment (consult.rules.engine.assess),
and what the GP's screen and note derive from a record beside it.

    engine        assess(record) -> Assessment: the rows that fire, the band, the suggestions
    assessment    the assessment's types
    redflags, ng65, startback, suggestions
                  the rule families the engine runs
    ruleset       the rule set's words and sources (resources/rules/ruleset.toml)
    facts         values derived from a record (age, duration, ...) that the rules read
    screening     which red-flag questions are screened, asked as a group, or still open
    followups     which follow-up questions apply given their parent answers
    completeness  what must be done before a note can be finalised
    plan          accepting the suggested plan, confirming it, and its fingerprint

Imports the record (consult.record), never the note, the store, the command line or Qt.
"""
