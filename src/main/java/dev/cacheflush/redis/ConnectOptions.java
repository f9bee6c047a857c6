package dev.cacheflush.redis;

import dev.cacheflush.config.IamSettings;
import dev.cacheflush.config.Settings;
import dev.cacheflush.config.SettingsLayer;
import dev.cacheflush.config.SettingsResolver;
import dev.cacheflush.config.TlsSettings;
import java.time.Duration;

/**
 * How the tool talks to Redis: explicit timeouts and its own retries, because a library default
 * (a 60 s command timeout, commands queued while disconnected) would hide a stall until the
 * deadline had passed; how a TLS connection is checked; and whether the password is an IAM token.
 *
 * @param iam null unless ElastiCache IAM authentication replaces the password
 */
public record ConnectOptions(
    Duration connectTimeout,
    Duration commandTimeout,
    Backoff backoff,
    TlsSettings tls,
    IamSettings iam) {

  /** Plain options: no TLS settings beyond the defaults, the URL's password (if any). */
  public ConnectOptions(Duration connectTimeout, Duration commandTimeout, Backoff backoff) {
    this(connectTimeout, commandTimeout, backoff, TlsSettings.DEFAULT, null);
  }

  /** The run's own timeouts, retries, TLS and IAM settings. */
  public static ConnectOptions of(Settings settings) {
    return new ConnectOptions(
        settings.connectTimeout(),
        settings.commandTimeout(),
        new Backoff(settings.retries(), Backoff.FIRST_DELAY),
        settings.tls(),
        settings.iam());
  }

  /** The default timeouts and retries, for commands that take no timeout flags. */
  public static ConnectOptions of(SettingsResolver.Access access) {
    SettingsLayer d = SettingsLayer.DEFAULTS;
    return new ConnectOptions(
        d.connectTimeout(),
        d.commandTimeout(),
        new Backoff(d.retries(), Backoff.FIRST_DELAY),
        access.tls(),
        access.iam());
  }

  /** The most one command can take with all its retries: each attempt reconnects and times out. */
  public Duration longestRetried() {
    return backoff
        .longestWait()
        .plus(connectTimeout.plus(commandTimeout).multipliedBy(backoff.retries() + 1L));
  }

  /** One attempt only: for a side connection whose failure the main one will meet and retry anyway. */
  public ConnectOptions withoutRetries() {
    return new ConnectOptions(
        connectTimeout, commandTimeout, new Backoff(0, Backoff.FIRST_DELAY), tls, iam);
  }
}
