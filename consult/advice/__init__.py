"""The patient's advice sheet (clinical reference 5c): one composition, three forms (PDF, SMS, email)."""
