"""The consultation form: every question in call order (consultation_form), the
sections that group them (sections) and the answer widgets (widgets)."""
