"""The consultation record: what the GP recorded, and its file.

    model     the record (pydantic), its validation and JSON Schema
    answers   the answer vocabularies (enums) the record and the rules share
    nhs       NHS numbers: the Modulus 11 check and the 3-3-4 display
    dates     clinical dates and times as the note shows them (05-Apr-2008)
    file      reading and writing a record file (atomic, owner-only)
    upgrade   record files of an earlier format brought to the current one

Nothing here imports the rules, the note, the store or the command line. This
module imports nothing, so that `consult.record.nhs` or `consult.record.dates`
load without the record model (pydantic).
"""
