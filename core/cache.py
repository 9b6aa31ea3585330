"""Redis as a cache that a Redis outage cannot break.

Everything Peygir caches can be computed again (the typical customer's value, rate-limit
counters), so while Redis is away a read is a miss and a write is skipped, with one log line a
minute instead of a 500 on every page.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_LOG_EVERY_SECONDS = 60.0


class ForgivingRedisCache(RedisCache):
    _last_logged = 0.0

    def _forgive(self, error: Exception, fallback):
        now = time.monotonic()
        if now - ForgivingRedisCache._last_logged > _LOG_EVERY_SECONDS:
            ForgivingRedisCache._last_logged = now
            logger.warning("Cache unreachable (%s: %s); computing without it.", type(error).__name__, error)
        return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except (RedisError, OSError) as error:
            return self._forgive(error, False)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except (RedisError, OSError) as error:
            return self._forgive(error, default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except (RedisError, OSError) as error:
            return self._forgive(error, None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except (RedisError, OSError) as error:
            return self._forgive(error, False)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except (RedisError, OSError) as error:
            return self._forgive(error, False)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except (RedisError, OSError) as error:
            return self._forgive(error, {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except (RedisError, OSError) as error:
            return self._forgive(error, False)

    def incr(self, key, delta=1, version=None):
        """While Redis is away a counter reads as ``delta``: a rate limit then counts nothing."""
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError) as error:
            return self._forgive(error, delta)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except (RedisError, OSError) as error:
            return self._forgive(error, list(data))

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except (RedisError, OSError) as error:
            return self._forgive(error, None)

    def clear(self):
        try:
            return super().clear()
        except (RedisError, OSError) as error:
            return self._forgive(error, False)
