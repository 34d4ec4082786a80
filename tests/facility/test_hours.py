from facility.hours import schedule_text, stated_hours


def test_schedules_read_as_days_and_times():
    assert schedule_text({"days": ["mon", "wed"], "starts": "18:00", "ends": "21:00", "evening": True}) \
        == "Mon, Wed 6:00 pm–9:00 pm (evening)"
    assert schedule_text({"days": ["sat"], "starts": "09:30", "weekend": True}) == "Sat 9:30 am (weekend)"
    assert schedule_text({"days": ["tue"]}) == "Tue"


def test_the_websites_opening_hours_come_first():
    site = {"opening_hours": ["Mo-Fr 09:00-17:00"], "schedules": [{"days": ["mon"], "starts": "18:00"}]}
    assert stated_hours({"site": site}) == ["Mo-Fr 09:00-17:00"]
    assert stated_hours({"site": {"schedules": [{"days": ["mon"], "starts": "18:00"}]}}) == ["Mon 6:00 pm"]
    assert stated_hours({}) == []
