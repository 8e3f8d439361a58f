"""The scorecard's page, in the console's frame."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from visits.console.pages import console_render, dispatcher_page


@dispatcher_page
def scorecard(request: HttpRequest) -> HttpResponse:
    return console_render(
        request,
        "scorecard/scorecard.html",
        title=_("Service scorecard"),
        section="scorecard",
        module="scorecard/scorecard.js",
    )
