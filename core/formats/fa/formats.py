"""Django's fa formats leave NUMBER_GROUPING unset, so separators never show."""

DECIMAL_SEPARATOR = "٫"
THOUSAND_SEPARATOR = "٬"
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 6  # Saturday
