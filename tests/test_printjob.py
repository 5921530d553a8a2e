"""One print job from several notes' own PDFs (consult.printjob): every page of every note in
order, unchanged, blank backs between notes when two-sided, last page first, neutral metadata,
and a clear error naming a note that cannot be read.

Small reportlab documents with one known line per page stand in for notes where only order
and size matter; real notes (note_pdf) check that pages travel unchanged and identifiers stay out.
"""

from __future__ import annotations

import io

import pypdf
import pytest
from reportlab.lib.pagesizes import A4, A5, landscape, letter
from reportlab.pdfgen.canvas import Canvas

from consult.note import note_pdf
from consult.printjob import Cancelled, UnreadableNote, combine, extract, page_count, prepare
from tests.storesupport import patient_record


def doc(name: str, pages: int, size: tuple[float, float] = A4) -> bytes:
    """A PDF whose page n says "<name> page n", in the given size."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=size)
    canvas.setTitle(f"{name}'s own title")
    canvas.setAuthor("Dr Someone")
    for n in range(1, pages + 1):
        canvas.drawString(72, 72, f"{name} page {n}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def read(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in read(pdf).pages]


def sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
            for p in read(pdf).pages]


def _size(size: tuple[float, float]) -> tuple[float, float]:
    return round(size[0], 2), round(size[1], 2)


@pytest.fixture(scope="module")
def notes() -> list[bytes]:
    return [note_pdf(patient_record("Sam", "Taylor", "9434765919")),
            note_pdf(patient_record("Alex", "Jones", "9000000009"))]


def test_every_page_of_every_note_in_order_with_its_own_size():
    job = combine([doc("A", 2), doc("B", 1, letter), doc("C", 3, landscape(A5))])
    assert texts(job) == ["A page 1", "A page 2", "B page 1", "C page 1", "C page 2", "C page 3"]
    assert sizes(job) == [_size(A4)] * 2 + [_size(letter)] + [_size(landscape(A5))] * 3


def test_pages_travel_unchanged_vector_not_pictures(notes):
    job = read(combine(notes))
    source = [page for pdf in notes for page in read(pdf).pages]
    assert len(job.pages) == len(source) == 6
    for got, want in zip(job.pages, source, strict=True):
        # the same content stream, still in its own encoding: nothing redrawn or re-compressed
        got_stream, want_stream = got["/Contents"].get_object(), want["/Contents"].get_object()
        assert got_stream.get_data() == want_stream.get_data()
        assert got_stream.get("/Filter") == want_stream.get("/Filter") is not None
        assert got.extract_text() == want.extract_text() != ""
        assert list(got.mediabox) == list(want.mediabox)
        assert len(got.images) == 0
    assert len(combine(notes)) < 1.05 * sum(len(pdf) for pdf in notes)   # nothing blown up
    assert "TAYLOR, Sam" in job.pages[0].extract_text()
    assert "JONES, Alex" in job.pages[3].extract_text()


def test_two_sided_puts_a_blank_back_after_each_odd_note_but_the_last():
    job = combine([doc("A", 3), doc("B", 2), doc("C", 1, letter), doc("D", 1)], two_sided=True)
    assert texts(job) == ["A page 1", "A page 2", "A page 3", "",
                          "B page 1", "B page 2",
                          "C page 1", "",
                          "D page 1"]
    assert sizes(job)[3] == _size(A4) and sizes(job)[7] == _size(letter)   # the note's own size
    blank = read(job).pages[3]
    assert blank.get_contents() is None and len(blank.images) == 0
    # each note starts on an odd page: the front of a new sheet
    starts = [i for i, t in enumerate(texts(job)) if t.endswith("page 1")]
    assert all(i % 2 == 0 for i in starts)


def test_prepare_counts_each_notes_pages_without_the_blanks():
    job = prepare([doc("A", 3), doc("B", 2)], two_sided=True)
    assert job.pages == [3, 2] and len(read(job.data).pages) == 6


def test_reverse_prints_the_last_page_first():
    forward = texts(combine([doc("A", 2), doc("B", 3)]))
    assert texts(combine([doc("A", 2), doc("B", 3)], reverse=True)) == forward[::-1]


def test_reverse_two_sided_reverses_whole_sheets_keeping_their_sides():
    job = texts(combine([doc("A", 3), doc("B", 1)], two_sided=True, reverse=True))
    # sheets forward: (A1, A2) (A3, blank) (B1, blank): reversed sheet by sheet
    assert job == ["B page 1", "", "A page 3", "", "A page 1", "A page 2"]
    assert texts(combine([doc("A", 1)], two_sided=True, reverse=True)) == ["A page 1"]


@pytest.mark.hazard("H11")
def test_metadata_is_only_a_neutral_title(notes):
    info = read(combine(notes)).metadata
    assert dict(info) == {"/Title": "Consultation notes", "/Producer": "pypdf"}
    single = read(extract(notes[0], [0, 1, 2])).metadata
    assert dict(single) == {"/Title": "Consultation note", "/Producer": "pypdf"}
    trailer = read(combine(notes)).trailer
    assert set(trailer) <= {"/Size", "/Root", "/Info", "/ID"}
    assert set(trailer["/Root"]) == {"/Type", "/Pages"}   # no outline, names or XMP copied


def test_a_notes_own_metadata_is_left_behind():
    info = read(combine([doc("TAYLOR Sam", 1)])).metadata
    assert "TAYLOR" not in " ".join(str(v) for v in info.values())
    assert "Dr Someone" not in " ".join(str(v) for v in info.values())


@pytest.mark.parametrize("bad, reason", [
    (b"", "it is not a valid PDF"),
    (b"not a pdf at all", "it is not a valid PDF"),
    (b"%PDF-1.4\n%garbage\n" + b"\x00" * 64, "it is not a valid PDF"),
])
def test_an_unreadable_note_is_named_by_its_position(bad, reason):
    with pytest.raises(UnreadableNote) as raised:
        combine([doc("A", 1), doc("B", 1), bad])
    assert isinstance(raised.value, ValueError)
    assert raised.value.index == 2
    assert str(raised.value) == f"Note 3 could not be read for printing: {reason}."
    with pytest.raises(UnreadableNote, match=r"^The note could not be read"):
        page_count(bad)


def test_a_password_protected_note_says_so():
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(doc("A", 1)))
    writer.encrypt("secret", algorithm="AES-128")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(UnreadableNote, match=r"Note 2 .*password-protected") as raised:
        combine([doc("B", 1), locked.getvalue()])
    assert raised.value.index == 1


def test_a_note_open_to_read_but_owner_protected_prints():
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(doc("A", 1)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    opened = io.BytesIO()
    writer.write(opened)
    assert texts(combine([opened.getvalue()])) == ["A page 1"]


def test_a_note_without_pages_is_refused():
    empty = io.BytesIO()
    pypdf.PdfWriter().write(empty)
    with pytest.raises(UnreadableNote, match=r"Note 1 .*has no pages"):
        combine([empty.getvalue()])


def test_progress_once_per_note_and_false_cancels():
    seen: list[tuple[int, int]] = []
    prepare([doc("A", 1), doc("B", 2), doc("C", 1)], progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    with pytest.raises(Cancelled) as raised:
        prepare([doc("A", 1), doc("B", 1)], progress=lambda d, t: d < 1)
    assert (raised.value.done, raised.value.total) == (1, 2)


def test_extract_takes_pages_in_the_order_given(notes):
    assert page_count(notes[0]) == 3
    whole = texts(notes[0])
    assert texts(extract(notes[0], [2, 1])) == [whole[2], whole[1]]
    with pytest.raises(ValueError, match="not all in a note of 3 pages"):
        extract(notes[0], [3])


def test_nothing_to_combine_is_an_empty_job():
    assert len(read(combine([])).pages) == 0
