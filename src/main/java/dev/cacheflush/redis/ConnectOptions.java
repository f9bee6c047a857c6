package dev.cacheflush.redis;

import java.time.Duration;

/**
 * How the tool talks to Redis: explicit timeouts and its own retries, because a library default
 * (a 60 s command timeout, commands queued while disconnected) would hide a stall until the
 * deadline had passed.
 */
public record ConnectOptions(Duration connectTimeout, Duration commandTimeout, Backoff backoff) {}
