"""Answer vocabularies shared by the record, the rules and the note."""

from __future__ import annotations

from enum import StrEnum


class Answer(StrEnum):
    """A screening answer: three states, never two.

    "not_asked" is not a negative finding and must never print as one.
    """

    YES = "yes"
    NO = "no"
    NOT_ASKED = "not_asked"

    @property
    def label(self) -> str:
        return {"yes": "Yes", "no": "No", "not_asked": "Not asked"}[self.value]


class Onset(StrEnum):
    """When a red-flag symptom started, relative to the 14-day CES window."""

    WITHIN_14_DAYS = "within_14_days"
    MORE_THAN_14_DAYS = "more_than_14_days"
    UNSURE = "unsure"


class WeaknessOnset(StrEnum):
    """When leg weakness started, relative to the 3-month line of the weakness rows."""

    WITHIN_3_MONTHS = "within_3_months"
    LONGER = "longer"
    UNSURE = "unsure"


class Duration3Months(StrEnum):
    """How long a symptom has lasted, relative to 3 months (claudication)."""

    UNDER_3_MONTHS = "under_3_months"
    OVER_3_MONTHS = "over_3_months"
    UNSURE = "unsure"


class YesNoUnsure(StrEnum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


class Trajectory(StrEnum):
    WORSE = "worse"
    SAME = "same"
    BETTER = "better"
    UNSURE = "unsure"


class Interpreter(StrEnum):
    NONE = "none"
    PROFESSIONAL = "professional"
    FAMILY_OR_FRIEND = "family_or_friend"


class PainSite(StrEnum):
    """Where the pain is (clinical reference, section 1: site)."""

    LOWER_BACK = "lower_back"
    LOWER_BACK_SPREADING = "lower_back_spreading"
    THORACIC = "thoracic"
    WITH_ABDOMINAL_OR_LOIN = "with_abdominal_or_loin"


class Character(StrEnum):
    DULL_ACHING = "dull_aching"
    SHARP = "sharp"


class Course(StrEnum):
    """Since it started: getting better, the same or worse."""

    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


class NsaidTried(StrEnum):
    """An NSAID tried for this episode, and how it went."""

    NOT_TRIED = "not_tried"
    HELPING = "helping"
    NOT_TOLERATED = "not_tolerated"
    NOT_EFFECTIVE = "not_effective"


class JobDemands(StrEnum):
    MANUAL = "manual"
    DRIVING = "driving"
    DESK = "desk"
    OTHER = "other"


class InfoMethod(StrEnum):
    """How written information was given to the patient."""

    PRINTED = "printed"
    SMS = "sms"
    EMAIL = "email"
    READ_ALOUD = "read_aloud"


class Place(StrEnum):
    """Where the patient is during the consultation (a choice; text only for "other")."""

    HOME = "home"
    WORK = "work"
    OTHER = "other"


class Mode(StrEnum):
    TELEPHONE = "telephone"
    VIDEO = "video"
    FACE_TO_FACE = "face_to_face"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    NOT_KNOWN = "not_known"


class OnsetSpeed(StrEnum):
    SUDDEN = "sudden"
    GRADUAL = "gradual"


class DurationUnit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


class Episode(StrEnum):
    FIRST = "first"
    RECURRENT = "recurrent"


class PainPattern(StrEnum):
    CONSTANT = "constant"
    INTERMITTENT = "intermittent"


class Trigger(StrEnum):
    LIFTING = "lifting"
    TWISTING = "twisting"
    PROLONGED_SITTING = "prolonged_sitting"
    POOR_POSTURE = "poor_posture"
    SUDDEN_MOVEMENT = "sudden_movement"
    OVERUSE = "overuse"
    NO_CLEAR_TRIGGER = "no_clear_trigger"


class Trauma(StrEnum):
    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    NOT_ASKED = "not_asked"


class WorkStatus(StrEnum):
    NORMAL = "normal"
    MODIFIED = "modified"
    OFF_WORK = "off_work"
    NOT_IN_WORK = "not_in_work"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"


class LegExtent(StrEnum):
    ABOVE_KNEE = "above_knee"
    BELOW_KNEE = "below_knee"


class Agreement(StrEnum):
    """STarT Back items 1-8."""

    AGREE = "agree"
    DISAGREE = "disagree"


class Bothersome(StrEnum):
    """STarT Back item 9."""

    NOT_AT_ALL = "not_at_all"
    SLIGHTLY = "slightly"
    MODERATELY = "moderately"
    VERY_MUCH = "very_much"
    EXTREMELY = "extremely"


class FitNote(StrEnum):
    NOT_NEEDED = "not_needed"
    ISSUED = "issued"
    TO_CONSIDER = "to_consider"


class Band(StrEnum):
    """How soon: the disposition bands, most urgent first."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    SOON = "soon"
    ROUTINE = "routine"

    @property
    def rank(self) -> int:
        return {"emergency": 3, "urgent": 2, "soon": 1, "routine": 0}[self.value]


class Category(StrEnum):
    SELF_CARE = "self-care"
    MEDICINE = "medicine"
    INVESTIGATION = "investigation"
    REFERRAL = "referral"
    SAFETY_NETTING = "safety-netting"
    FOLLOW_UP = "follow-up"
