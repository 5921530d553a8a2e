"""The consultation coded and exchanged (clinical reference 6, 7): FHIR R4 UK Core with
its SNOMED CT and LOINC codes (fhir, fhir_common), and email (mail)."""
