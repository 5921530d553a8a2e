"""The live assessment panel: disposition, fired rules, STarT Back, NG65, the plan
checklist (a view of consult.rules.plan.PlanEditor) and the note preview."""
