"""Log filters: a refused page is one line, not a traceback."""

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """Drop the traceback Django attaches to a 4xx (a 403 from PermissionDenied, a 404 from Http404).

    Such a response is the site doing its job (a rep opening a manager's page), not an error to debug;
    the line with the status and the path stays. 5xx keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
