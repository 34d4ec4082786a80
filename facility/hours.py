"""When a facility's own website says its program meets, in words people read.

`_` is the `facility` domain's gettext for the reader's language (facility.i18n.gettext_for);
without it, English."""

from collections.abc import Callable

Translate = Callable[[str], str]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def english(message: str) -> str:
    """The message as written: English, the msgids themselves."""
    return message


def day_names(_: Translate = english) -> dict[str, str]:
    return dict(zip(DAYS, (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))))


def clock(value: str, _: Translate = english) -> str:
    """"18:00" as people read it: "6:00 pm"."""
    hours, minutes = map(int, value.split(":"))
    time = {"hour": hours % 12 or 12, "minute": f"{minutes:02d}"}
    return (_("%(hour)s:%(minute)s am") if hours < 12 else _("%(hour)s:%(minute)s pm")) % time


def schedule_text(schedule: dict, _: Translate = english) -> str:
    """"Mon, Wed, Thu 6:00 pm–9:00 pm (evening)"."""
    days = ", ".join(day_names(_).get(day, day) for day in schedule.get("days") or [])
    times = "–".join(clock(schedule[end], _) for end in ("starts", "ends") if schedule.get(end))
    kinds = {(True, True): _("(evening and weekend)"), (True, False): _("(evening)"),
             (False, True): _("(weekend)")}.get((bool(schedule.get("evening")), bool(schedule.get("weekend"))))
    return " ".join(p for p in (days, times, kinds) if p)


def stated_hours(facility: dict, _: Translate = english) -> list[str]:
    """schema.org opening hours as the website gives them, else its stated program schedules."""
    site = facility.get("site") or {}
    return list(site.get("opening_hours") or []) or [schedule_text(s, _) for s in site.get("schedules") or []]
