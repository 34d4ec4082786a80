"""SAMHSA's FindTreatment locator: the spider, its rows cleaned into Facility records, and the
pipeline that validates and stages them."""
