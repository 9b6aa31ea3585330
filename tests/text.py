"""What a person reads, for comparing sentences in tests.

Peygir isolates user text (a name, a comment) inside the sentences it writes (``core.text.isolate``);
the isolates are invisible, so a test compares the sentence without them. Tests of the isolation
itself compare the raw text.
"""

import re

_ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))


def readable(text) -> str:
    return str(text).translate(_ISOLATES)


def reading(text: str) -> re.Pattern[str]:
    """A pattern for a browser assertion (``to_contain_text``) that finds ``text`` as a person
    reads it: isolates may sit anywhere around the names inside it."""
    return re.compile("[\u2066-\u2069]?".join(map(re.escape, text)))


def downloaded(response) -> str:
    """The text of a download as the person's browser saves it, whether it was streamed or not."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8")
