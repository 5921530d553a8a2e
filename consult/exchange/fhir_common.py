"""What every FHIR piece of the product shares (export here, the Patient import in
consult.patients): identifier systems, profiles and code systems, with where each
comes from. Other packages import these names; nobody writes the URLs again.

fhir.resources 8.x: the R4B models (fhir.resources.R4B) serve a UK Core R4 exchange
of these resources (clinical reference, section 7).
"""

from __future__ import annotations

# NHS number: UK Core (clinical reference 7; HL7 UK / NHS England naming system)
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
# GMC reference number (7 digits): the HL7 UK naming system
# "https://fhir.hl7.org.uk/Id/gmc-number", as listed by UK implementation guides' practitioner
# identifier tables (NHS North West Genomics' NamingSystem gmcnumber, preferred URI). Not
# checked against UK Core's own published Practitioner page: see README "FHIR export".
GMC_NUMBER_SYSTEM = "https://fhir.hl7.org.uk/Id/gmc-number"

UKCORE = "https://fhir.hl7.org.uk/StructureDefinition"
PATIENT_PROFILE = f"{UKCORE}/UKCore-Patient"
PRACTITIONER_PROFILE = f"{UKCORE}/UKCore-Practitioner"
COMPOSITION_PROFILE = f"{UKCORE}/UKCore-Composition"
CONDITION_PROFILE = f"{UKCORE}/UKCore-Condition"
OBSERVATION_PROFILE = f"{UKCORE}/UKCore-Observation"
QUESTIONNAIRE_RESPONSE_PROFILE = f"{UKCORE}/UKCore-QuestionnaireResponse"
DOCUMENT_REFERENCE_PROFILE = f"{UKCORE}/UKCore-DocumentReference"

# Three-state answers: yes and no from HL7 v2 table 0136; "not asked" from FHIR's
# data-absent-reason (never exported as "no").
YES_NO_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0136"
DATA_ABSENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
# the product's own answer lists (choices of the record model), one system per list
ANSWER_LIST_SYSTEM = "urn:consult:answers:"
# a code the product exports before a clinician checked it in the code system's browser
CODE_STATUS_EXTENSION = "urn:consult:extension:code-status"
# on a QuestionnaireResponse answer: a No recorded with its clinical group's one answer
# ("asked as a group: denied" in the note), not asked question by question
ASKED_AS_GROUP_EXTENSION = "urn:consult:extension:asked-as-group"

ADMINISTRATIVE_GENDER = {"female": "female", "male": "male", "other": "other",
                         "not_known": "unknown"}
