# A format module unlike the real one (tests/portal/test_date_formats.py): a page that still shows
# dd/mm/yyyy under it writes its dates by hand.
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
