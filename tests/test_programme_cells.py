"""The "Speakers" cell of a programme spreadsheet read as text (``panels.resources``)."""

import pytest

from panels.models import Attendance, Role
from panels.resources.programme_cells import parse_speakers


def test_speakers_cell_reads_ascii_separators():
    first, second = parse_speakers("Amina Example (Moderator); Jorge Example (Panellist, online)")

    assert (first.name, first.role, first.attendance) == ("Amina Example", Role.MODERATOR, None)
    assert (second.name, second.role, second.attendance) == (
        "Jorge Example",
        Role.PANELLIST,
        Attendance.ONLINE,
    )


@pytest.mark.parametrize(
    "cell",
    [
        "أمينة محمد (Moderator)؛ خورخي (Panellist، online)",
        "王芳（Moderator）；李明（Panellist，online）",
    ],
    ids=["arabic", "chinese"],
)
def test_speakers_cell_reads_arabic_and_chinese_keyboards_separators(cell):
    first, second = parse_speakers(cell)

    assert first.role == Role.MODERATOR and first.attendance is None
    assert second.role == Role.PANELLIST and second.attendance == Attendance.ONLINE
    assert "(" not in first.name and "（" not in first.name
