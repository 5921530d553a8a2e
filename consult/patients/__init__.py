"""The day's patient list imported from the practice's clinical system (CSV, FHIR Patient/Bundle)."""
