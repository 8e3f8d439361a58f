"""What the calls say, in the customer's language only, from the standard
phrases (docs/rules.md#reminder-calls): "好的，我们会按照您约定的XX时间，准时到您那儿"。
Chinese texts use full-width punctuation; English sentences are spaced."""

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from fieldservice.i18n import is_chinese

# The keys each question takes; the services read the answers by these.
CONFIRM_KEYS = ("1", "2")  # 1 confirms the time, 2 asks for a new one
RATING_KEYS = ("1", "2", "3", "4", "5")
PROBLEM_KEYS = ("1", "2")  # 1 something was wrong, 2 nothing


@dataclass(frozen=True)
class Menu:
    """One spoken question and the keys that answer it."""

    step: str
    text: str
    keys: tuple[str, ...]


# What the visit is for, as a customer hears it: the scripts' own words, not
# the admin's labels (those may be translated into the wrong language, or glossed).
KIND_WORDS = {
    "installation": ("安装", "installation"),
    "repair": ("维修", "repair"),
}
HANZI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def say(*sentences: str, language: str) -> str:
    """Sentences spoken one after another: spaced in English ("…service. We
    will…"), run on in Chinese, where the full-width stop separates them."""
    parts = [sentence.strip() for sentence in sentences if sentence.strip()]
    return ("" if is_chinese(language) else " ").join(parts)


def _when(moment: datetime, language: str, tz: tzinfo) -> str:
    """The appointed time on the customer's clock (their time zone)."""
    local = moment.astimezone(tz)
    if is_chinese(language):
        return f"{local.month}月{local.day}日{local.hour}点{local.minute:02d}分"
    return f"{local:%B} {local.day} at {local.hour}:{local.minute:02d}"


def greeting(*, company: str, language: str) -> str:
    if is_chinese(language):
        return f"您好，这里是{company}客服中心。"
    if HANZI.search(company):  # a Chinese company name is not said in English
        return "Hello, this is your home service's customer service."
    return f"Hello, this is {company} customer service."


def reminder(
    *, company: str, appointed: datetime, kind: str, language: str, tz: tzinfo
) -> Menu:
    when = _when(appointed, language, tz)
    chinese_kind, english_kind = KIND_WORDS.get(kind, ("上门服务", "home visit"))
    if is_chinese(language):
        text = say(
            greeting(company=company, language=language),
            f"我们会按照您约定的{when}，准时到您那里{chinese_kind}。",
            "确认时间请按1，需要改约请按2。",
            language=language,
        )
    else:
        text = say(
            greeting(company=company, language=language),
            f"We will be with you on time, on {when}, for your {english_kind}.",
            "To confirm, press 1. To ask for a new time, press 2.",
            language=language,
        )
    return Menu("confirm", text, CONFIRM_KEYS)


def booking_notice(
    *,
    company: str,
    hotline: str,
    appointed: datetime,
    kind: str,
    technician: str,
    language: str,
    tz: tzinfo,
) -> str:
    """The customer is told when their visit is and who comes
    (docs/rules.md#booking-notice): spoken once, no key to press. Said the
    same for a booking, a move and a reassignment: the visit as it stands."""
    when = _when(appointed, language, tz)
    chinese_kind, english_kind = KIND_WORDS.get(kind, ("上门服务", "home visit"))
    if is_chinese(language):
        return say(
            greeting(company=company, language=language),
            f"您的{chinese_kind}上门已约在{when}，由装维人员{technician}为您服务。",
            f"如需改约请拨打客服热线{hotline}。感谢您的接听，再见。",
            language=language,
        )
    return say(
        greeting(company=company, language=language),
        f"Your {english_kind} visit is booked for {when}, "
        f"with our technician {technician}.",
        f"To change the time, call {hotline}. Thank you, goodbye.",
        language=language,
    )


def rating_question(*, company: str, language: str) -> Menu:
    if is_chinese(language):
        text = say(
            greeting(company=company, language=language),
            "感谢您使用我们的上门服务。请为本次服务打分，非常满意请按5，非常不满意请按1。",
            language=language,
        )
    else:
        text = say(
            greeting(company=company, language=language),
            "Thank you for having us. Please rate the visit from 1, very unhappy, "
            "to 5, very happy.",
            language=language,
        )
    return Menu("rating", text, RATING_KEYS)


def problem_question(*, language: str) -> Menu:
    if is_chinese(language):
        text = "本次服务中是否有做得不好的地方？有请按1，没有请按2。"
    else:
        text = "Was anything wrong during the visit? Press 1 for yes, 2 for no."
    return Menu("problem", text, PROBLEM_KEYS)


def not_understood(*, language: str) -> str:
    if is_chinese(language):
        return "很抱歉，我没有听清楚您的选择。"
    return "Sorry, that was not one of the choices."


def goodbye(*, hotline: str, language: str, outcome: str = "") -> str:
    if is_chinese(language):
        lead = {
            "confirmed": "好的，我们会准时到您那里。",
            "reschedule_requested": "好的，调度员会尽快与您联系改约。",
            "complaint": "您反映的问题我们已记录，将尽快处理并给您答复。",
        }.get(outcome, "")
        return say(
            lead,
            f"如有需要请拨打客服热线{hotline}。感谢您的接听，再见。",
            language=language,
        )
    lead = {
        "confirmed": "Thank you, we will be there on time.",
        "reschedule_requested": "Thank you, a dispatcher will call you to agree a new time.",
        "complaint": "We have noted it and will get back to you soon.",
    }.get(outcome, "")
    return say(
        lead, f"If you need us, call {hotline}. Thank you, goodbye.", language=language
    )
