"""When a facility's own website says its program meets, in words people read."""


def _clock(value: str) -> str:
    hours, minutes = map(int, value.split(":"))
    return f"{hours % 12 or 12}:{minutes:02d} {'am' if hours < 12 else 'pm'}"


def schedule_text(schedule: dict) -> str:
    """"Mon, Wed, Thu 6:00 pm–9:00 pm (evening)"."""
    days = ", ".join(day.capitalize() for day in schedule.get("days") or [])
    times = "–".join(_clock(schedule[end]) for end in ("starts", "ends") if schedule.get(end))
    kinds = [kind for kind in ("evening", "weekend") if schedule.get(kind)]
    return " ".join(p for p in (days, times) if p) + (f" ({' and '.join(kinds)})" if kinds else "")


def stated_hours(facility: dict) -> list[str]:
    """schema.org opening hours as the website gives them, else its stated program schedules."""
    site = facility.get("site") or {}
    return list(site.get("opening_hours") or []) or [schedule_text(s) for s in site.get("schedules") or []]
