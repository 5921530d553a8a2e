"""compose(record) -> AdviceSheet: what the patient's advice sheet says, in order.

One composition, three forms (consult.advice.pdf, consult.advice.sms,
consult.advice.email_text). Every word comes from resources/advice/advice.toml, except
the emergency lines, which are the cauda equina card's own words from the rule set
(the same lines, chosen by the same function, as the GP's safety-netting item).

What the sheet never carries: the GP's reasons and sources, band names, and the GP's
own words. A plan item is worded for the patient from its suggestion id; an item the
GP wrote or edited is left off the sheet (its text is written for clinicians and an
edit may change what the suggestion meant) and listed in `left_out`, which the
window and the command line show to the GP, and the sheet says that the doctor
talked about other things too. For an emergency disposition the sheet opens with
where to go now, taken from the assessment (not from the plan, so no edit can drop it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from consult import resources
from consult.record.answers import Answer, Band, FitNote, InfoMethod
from consult.record.model import PlanItem, Record
from consult.rules import facts as derive_facts
from consult.rules.assessment import Assessment
from consult.rules.engine import assess
from consult.rules.plan import is_stale
from consult.rules.ruleset import RuleSet, load
from consult.rules.suggestions import ROUTE_FIELDS, review_weeks, safety_netting_lines
from consult.words import plural

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
FIRST_NAME_MAX = 30  # a longer given name is cut (SMS and sheet): first name only, short
SECTIONS = ("what_to_do", "medicines", "work", "self_care", "none")


class NotReady(Exception):
    """The plan is not confirmed, or changed since: no sheet is given from it."""


@cache
def words() -> dict[str, Any]:
    return resources.toml("advice", "advice.toml")


def long_date(value: dt.date) -> str:
    """'Monday 21 December 2026': a date a patient reads without decoding, any locale."""
    return f"{DAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]} {value.year}"


def first_name(record: Record) -> str:
    given = record.patient.given_name.split()
    name = given[0] if given else ""
    return name[:FIRST_NAME_MAX]


@dataclass(frozen=True)
class AdviceSheet:
    name: str  # the first name only ("" when not recorded)
    practice: str
    date: str  # of the consultation, in words ("" when not recorded)
    emergency: bool
    go_now: list[str]  # the emergency disposition: where to go now (empty otherwise)
    help: list[str]  # the emergency lines in the card's words, the local route, 111/999
    card_keys: list[str]  # which card lines apply (ces, mscc, fever, collapse, ...)
    about: list[str]
    what_to_do: list[str]
    medicines: list[str]
    work: list[str]
    self_care: list[str]
    review: str
    review_date: str  # the booked date in words, or ""
    left_out: list[PlanItem] = field(default_factory=list)  # the GP's own and edited items
    # with no review booked and no emergency, the interval the plan suggests (2 or 4); else 0
    review_weeks: int = 0

    def sections(self) -> list[tuple[str, list[str]]]:
        """(heading, paragraphs) in reading order, as every form prints them: where to
        go now first (an emergency), then when to get help, then the rest."""
        w = words()["sheet"]
        out: list[tuple[str, list[str]]] = []
        if self.go_now:
            out.append((w["go_now_title"], self.go_now))
        out.append((w["get_help_title"], self.help))
        out.append((w["about_title"], self.about))
        what = list(self.what_to_do)
        if self.left_out:
            what.append(w["other_items"])
        if what:
            out.append((w["what_to_do_title"], what))
        if self.medicines:
            out.append((w["medicines_title"], [*self.medicines, w["medicines_footer"]]))
        if self.work:
            out.append((w["work_title"], self.work))
        if self.self_care:
            out.append((w["self_care_title"], self.self_care))
        out.append((w["review_title"], [self.review]))
        return out

    def text(self) -> str:
        """The sheet as plain text (the preview's words, the readability measure)."""
        lines = [words()["sheet"]["title"]]
        for heading, paragraphs in self.sections():
            lines += ["", heading, *paragraphs]
        return "\n".join(lines)

    def own_words(self) -> str:
        """The sheet's text without the card's lines, which are quoted as the card has
        them: the part written for this sheet, held to the reading-age threshold."""
        text = self.text()
        rules = load()
        for key in self.card_keys:
            line = rules.safety_netting[key]
            pattern = re.escape(line).replace(re.escape("{review}"), ".*?")
            text = re.sub(pattern, "", text)
        return text


def _template_fields(template: str, text: str) -> dict[str, str] | None:
    """The values of a template's placeholders in a text made from it (an unedited plan
    item's text), or None when the text is not made from this template."""
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)"
                      for i, p in enumerate(parts))
    found = re.fullmatch(pattern, text, flags=re.DOTALL)
    return found.groupdict() if found else None


def _route(record: Record, route: str | None) -> str:
    """The practice's own route details, said to the patient; nothing when the practice
    has not set one (the generic routes are written for clinicians)."""
    if route is None:
        return ""
    local = getattr(record.practice, ROUTE_FIELDS[route]).strip()
    template = words()["routes"].get(route)
    return template.format(route=local) if local and template else ""


def _card(record: Record, rules: RuleSet, assessment: Assessment,
          review: str) -> tuple[list[str], list[str]]:
    """The card's lines that apply (the rule set's own choice), and their keys. The
    review line is the sheet's own section, so it is left out here."""
    lines = safety_netting_lines(record, rules, assessment.band, review)
    keys = []
    for line in lines:
        key = next(k for k, t in rules.safety_netting.items()
                   if t.format(review=review) == line)
        keys.append(key)
    kept = [(k, line) for k, line in zip(keys, lines, strict=True)
            if k not in ("review", "review_not_booked")]
    return [line for _, line in kept], [k for k, _ in kept]


def check_ready(record: Record, assessment: Assessment) -> None:
    """The sheet gives the plan the GP confirmed: refuse an unconfirmed or stale plan."""
    if not record.plan.confirmed:
        raise NotReady("the plan is not confirmed: confirm the plan first (the sheet "
                       "gives the patient the plan as the GP chose it)")
    if is_stale(record, assessment):
        raise NotReady("the answers or the plan changed after the plan was confirmed: "
                       "confirm the plan again first")


def compose(record: Record, assessment: Assessment | None = None, *,
            rules: RuleSet | None = None, check: bool = True) -> AdviceSheet:
    rules = rules or load()
    assessment = assessment or assess(record, rules)
    if check:
        check_ready(record, assessment)
    w = words()
    sheet_w, row_w, plan_w = w["sheet"], w["rows"], w["plan"]
    emergency = assessment.band is Band.EMERGENCY
    review_date = long_date(record.plan.review_date) if record.plan.review_date else ""

    # where to go now: every emergency row's words, most urgent first, once each
    go_now: list[str] = []
    if emergency:
        for row in assessment.fired:
            if row.band is Band.EMERGENCY:
                line = row_w.get(row.id, {}).get("go_now") or w["go_now"]["default"]
                if line not in go_now:
                    go_now.append(line)
        # calling 999 outranks going in: a 999 line comes first (and first in the SMS)
        go_now.sort(key=lambda line: not line.startswith(w["go_now"]["call_999_prefix"]))

    card, card_keys = _card(record, rules, assessment, review_date or "your review")
    help_lines = [sheet_w["get_help_intro"], *card]
    route = record.practice.ces_route.strip()
    if route:
        help_lines.append(sheet_w["local_route"].format(route=route))
    help_lines.append(sheet_w["nhs111"])

    facts = derive_facts.derive(record)
    about: list[str] = []
    # "most likely the muscles, joints and ligaments" never beside a red flag, an
    # inflammatory or an outside-the-pathway row: it would contradict the row's words
    other_cause = bool(assessment.red_flag_rows) or any(
        r.kind in ("ng65", "outside") for r in assessment.fired)
    if assessment.not_from_spine:
        about.append(w["about"]["not_from_spine"])
    elif not emergency and not (facts.condition == "low back pain" and other_cause):
        about.append(w["about"][facts.condition.replace(" ", "_")])
    for row in assessment.fired:
        words_about = row_w.get(row.id, {}).get("about")
        if words_about and words_about not in about:
            about.append(words_about)
    ids = {i.suggestion_id for i in record.plan.items if not i.edited}
    if "reassurance" in ids:
        about.append(w["about"]["settles"])
    elif facts.phase == "chronic" and not assessment.fired:
        about.append(w["about"]["chronic"])

    parts: dict[str, list[str]] = {s: [] for s in SECTIONS}
    left_out: list[PlanItem] = []
    for item in record.plan.items:
        sid = item.suggestion_id
        if sid is None or item.edited:
            left_out.append(item)
            continue
        if sid.startswith("action-"):
            row_id = sid.removeprefix("action-")
            if row_id not in row_w or row_id not in rules.rows:
                left_out.append(item)
                continue
            row = rules.rows[row_id]
            if row.band_or_none is Band.EMERGENCY and emergency:
                continue  # said at the top, in "go now"
            parts["what_to_do"].append(
                row_w[row_id]["text"].format(route=_route(record, row.route)))
            continue
        entry = plan_w.get(sid)
        if entry is not None and "same_as" in entry:  # another suggestion's paragraph
            entry = plan_w[entry["same_as"]]
        template = rules.suggestions.get(sid)
        if entry is None or template is None:
            left_out.append(item)  # a suggestion of another rule-set version
            continue
        if entry["section"] == "none":
            continue
        found = _template_fields(template.text, item.text) or {}
        text = entry["text"].format(when=found.get("when", "the time your doctor gave you"),
                                    route=_route(record, entry.get("route")))
        if text not in parts[entry["section"]]:
            parts[entry["section"]].append(text)
    if record.plan.fit_note is FitNote.ISSUED:
        parts["work"].append(sheet_w["fit_note_issued"])

    review = (sheet_w["review_booked"].format(date=review_date) if review_date
              else sheet_w["review_emergency"] if emergency
              else sheet_w["review_not_booked"].format(weeks=review_weeks(assessment.fired)))
    return AdviceSheet(
        name=first_name(record),
        practice=record.practice.name,
        date=long_date(record.consultation.date) if record.consultation.date else "",
        emergency=emergency, go_now=go_now, help=help_lines, card_keys=card_keys,
        about=about, what_to_do=parts["what_to_do"], medicines=parts["medicines"],
        work=parts["work"], self_care=parts["self_care"], review=review,
        review_date=review_date, left_out=left_out,
        review_weeks=0 if review_date or emergency else review_weeks(assessment.fired),
    )


def left_out_words(sheet: AdviceSheet) -> str:
    """One line for the GP: the plan items the sheet does not carry."""
    if not sheet.left_out:
        return ""
    n = len(sheet.left_out)
    return (f"{plural(n, 'plan item')} you wrote or edited "
            f"{'are' if n != 1 else 'is'} not on the sheet (it says the doctor talked about "
            "other things too): tell the patient yourself")


def record_given(record: Record, how: InfoMethod) -> None:
    """The plan records that the sheet was given, and how (each way once, in order)."""
    record.plan.advice_sheet_given = Answer.YES
    if how not in record.plan.advice_sheet_how:
        record.plan.advice_sheet_how = [*record.plan.advice_sheet_how, how]
