"""What a person reads, for comparing sentences in tests.

Peygir isolates user text (a name, a comment) inside the sentences it writes (``core.text.isolate``);
the isolates are invisible, so a test compares the sentence without them. Tests of the isolation
itself compare the raw text.
"""

_ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))


def readable(text) -> str:
    return str(text).translate(_ISOLATES)
