"""Redis as a cache that a Redis outage cannot break.

Everything Peygir caches can be computed again (the typical customer's value, rate-limit
counters), so while Redis is away a read is a miss and a write is skipped, with one log line a
minute instead of a 500 on every page.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_LOG_EVERY_SECONDS = 60.0


def _forgiving(name: str, fallback):
    """RedisCache's ``name``, answering ``fallback(args, kwargs)`` when Redis is unreachable."""
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (RedisError, OSError) as error:
            self._forgive(error)
            return fallback(args, kwargs)

    call.__name__ = name
    return call


def _returns(value):
    return lambda args, kwargs: value


class ForgivingRedisCache(RedisCache):
    _last_logged = 0.0

    @staticmethod
    def _forgive(error: Exception) -> None:
        now = time.monotonic()
        if now - ForgivingRedisCache._last_logged > _LOG_EVERY_SECONDS:
            ForgivingRedisCache._last_logged = now
            logger.warning("Cache unreachable (%s: %s); computing without it.", type(error).__name__, error)

    get = _forgiving("get", lambda args, kwargs: kwargs.get("default", args[1] if len(args) > 1 else None))
    # While Redis is away a counter reads as the step: a rate limit then counts nothing.
    incr = _forgiving("incr", lambda args, kwargs: kwargs.get("delta", args[1] if len(args) > 1 else 1))
    set_many = _forgiving("set_many", lambda args, kwargs: list(args[0] if args else kwargs["data"]))
    get_many = _forgiving("get_many", lambda args, kwargs: {})
    add = _forgiving("add", _returns(False))
    touch = _forgiving("touch", _returns(False))
    delete = _forgiving("delete", _returns(False))
    has_key = _forgiving("has_key", _returns(False))
    clear = _forgiving("clear", _returns(False))
    set = _forgiving("set", _returns(None))
    delete_many = _forgiving("delete_many", _returns(None))
