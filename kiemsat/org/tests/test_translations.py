"""Django's own words that reach a user are Vietnamese (the project's locale fills what
Django's catalogue lacks)."""

from django.db.models.fields import BLANK_CHOICE_LABEL
from django.utils import translation


def test_an_empty_choice_reads_chon_in_vietnamese():
    with translation.override("vi"):
        assert str(BLANK_CHOICE_LABEL) == "– Chọn –"
    with translation.override("en"):
        assert str(BLANK_CHOICE_LABEL) == "- Select an option -"
