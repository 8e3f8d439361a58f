"""Phone numbers as people type them (`139 0000 0001`, `+86-139-0000-0001`),
kept and dialled in E.164 (`+8613900000001`), the only form Twilio accepts.
Parsing and validation are Google's libphonenumber (the `phonenumbers`
package), not a regular expression; numbers without a country code are read
in PHONE_DEFAULT_REGION."""

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

INVALID_MESSAGE = _(
    "%(value)s is not a valid phone number. Enter it as people dial it, "
    "e.g. 13900000001 or +86 139 0000 0001."
)


def to_e164(value: str, *, region: str | None = None) -> str:
    """The number in E.164; raises ValidationError (code "invalid_phone")
    for what is not a valid number."""
    region = region or settings.PHONE_DEFAULT_REGION
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            INVALID_MESSAGE, code="invalid_phone", params={"value": value}
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            INVALID_MESSAGE, code="invalid_phone", params={"value": value}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def to_e164_or_unchanged(value: str) -> str:
    """E.164 where the number parses, else the value as it is (old rows)."""
    try:
        return to_e164(value) if value else value
    except ValidationError:
        return value


# What a person types for a phone number: digits with spaces, dashes, dots,
# brackets and a leading +; libphonenumber then decides whether it is one.
PHONE_LIKE = re.compile(r"^\+?[\d\s().-]{7,}$")


def typed_phone_number(value: str) -> str | None:
    """The E.164 number when `value` is a whole, valid phone number as people
    type it (139 0000 0001, +86-139-0000-0001), else None: a search term that
    is one is matched exactly, through an index."""
    value = value.strip()
    if not PHONE_LIKE.match(value):
        return None
    try:
        return to_e164(value)
    except ValidationError:
        return None


def validate_phone(value: str) -> None:
    to_e164(value)


class PhoneNumberField(models.CharField):
    """A phone number: cleaned (forms, full_clean) to E.164 and validated;
    saved in E.164 whenever it parses."""

    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return to_e164(value) if value else value

    def pre_save(self, model_instance, add):
        value = to_e164_or_unchanged(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
