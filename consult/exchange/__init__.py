"""The consultation coded and exchanged (clinical reference 6, 7): SNOMED CT and LOINC codes, FHIR R4 UK Core, email."""
