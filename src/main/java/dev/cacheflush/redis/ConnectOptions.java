package dev.cacheflush.redis;

import dev.cacheflush.config.IamSettings;
import dev.cacheflush.config.TlsSettings;
import java.time.Duration;

/**
 * How the tool talks to Redis: explicit timeouts and its own retries, because a library default
 * (a 60 s command timeout, commands queued while disconnected) would hide a stall until the
 * deadline had passed; how a TLS connection is checked; and whether the password is an IAM token.
 *
 * @param iam null unless ElastiCache IAM authentication replaces the password
 */
public record ConnectOptions(Duration connectTimeout, Duration commandTimeout, Backoff backoff, TlsSettings tls,
    IamSettings iam) {

  /** Plain options: no TLS settings beyond the defaults, the URL's password (if any). */
  public ConnectOptions(Duration connectTimeout, Duration commandTimeout, Backoff backoff) {
    this(connectTimeout, commandTimeout, backoff, TlsSettings.DEFAULT, null);
  }
}
