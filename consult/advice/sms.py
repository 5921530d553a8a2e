"""The advice sheet as a short text message: at most 600 characters, the emergency
lines first, the first name only.

The text opens with the first name and the practice's name (a patient must know who
sends it), then the emergency lines. The card's full words do not fit in a text, so
the SMS carries the card's lines made short (resources/advice/advice.toml [sms]), in
the card's order, exactly the lines the sheet carries (the same choice, by key). Parts
are added in order of importance and one that would pass the limit is left out; the
first go-now line, the cauda equina line and (with a fever recorded) the sepsis 999
line are never left out (other go-now lines
follow while they fit; the sheet has them all): when even they do not fit
(a practice name of hundreds of characters) the greeting goes, and the tests prove the
rest always fits.
"""

from __future__ import annotations

from consult.advice.compose import AdviceSheet, words

CARD_ORDER = ("ces", "mscc", "sepsis", "collapse", "fever", "weight_loss")
MUST_KEYS = ("sepsis",)


def sms_text(sheet: AdviceSheet) -> str:
    w = words()["sms"]
    limit = int(w["max_chars"])
    must = sheet.go_now[:1]  # the most urgent (a 999 line first)
    must.append(w["ces"])  # always on the card, always first of its lines
    # with a fever recorded, the sepsis 999 line is never cut either
    must += [w[k] for k in MUST_KEYS if k in sheet.card_keys]
    # the booked review before the weight-loss line: a patient with a booked review is
    # seen anyway, and the date is the plan (5c); each line is left out only if it
    # does not fit, and a later, shorter line may still fit
    card = {k: w[k] for k in CARD_ORDER[1:] if k in sheet.card_keys and k not in MUST_KEYS}
    if sheet.review_date:
        card = {k: v for k, v in card.items() if k != "weight_loss"} | {
            "review": w["review"].format(date=sheet.review_date),
            **({"weight_loss": card["weight_loss"]} if "weight_loss" in card else {})}
    elif sheet.review_weeks:  # none booked: the interval, as the sheet says, never a date
        card["review"] = w["review_not_booked"].format(weeks=sheet.review_weeks)
    optional = [*sheet.go_now[1:], *card.values(), w["sheet"]]
    greeting = w["greeting"].format(name=sheet.name or "Hello",
                                    practice=sheet.practice or "your practice")
    text = " ".join([greeting, *must])
    if len(text) > limit:
        text = " ".join(must)
    for part in optional:
        if len(f"{text} {part}") <= limit:
            text = f"{text} {part}"
    return text
