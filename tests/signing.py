"""Signing in tests: a finger-drawn signature and a sign-off with every conduct
question confirmed, through the real service."""

import io

from PIL import Image, ImageDraw

from visits.signoffs import services as signoff


def signature_png(width: int = 300, height: int = 100) -> bytes:
    """A stroke on a transparent canvas, as a finger draws it."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).line(
        (20, 70, 120, 20, 200, 80, 280, 30), fill=(0, 0, 0, 255), width=4
    )
    stream = io.BytesIO()
    image.save(stream, "PNG")
    return stream.getvalue()


def all_confirmed(visit) -> list[dict]:
    return [
        {"code": question["code"], "confirmed": True}
        for question in signoff.conduct_questions(visit)
    ]


def sign(visit, *, by=None, link_token=None, signer_name="刘洋", conduct=None, at=None):
    return signoff.visit_sign_off(
        visit=visit,
        by=by,
        link_token=link_token,
        at=at,
        data=signoff.SignOffInput(
            signer_name=signer_name,
            signature_png=signature_png(),
            consent_version=signoff.current_consent().version,
            conduct=all_confirmed(visit) if conduct is None else conduct,
        ),
    )
