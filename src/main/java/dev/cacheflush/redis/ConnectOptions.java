package dev.cacheflush.redis;

import dev.cacheflush.config.Settings;
import dev.cacheflush.config.SettingsLayer;
import java.time.Duration;

/**
 * How the tool talks to Redis: explicit timeouts and its own retries, because a library default
 * (a 60 s command timeout, commands queued while disconnected) would hide a stall until the
 * deadline had passed.
 */
public record ConnectOptions(Duration connectTimeout, Duration commandTimeout, Backoff backoff) {
  /** The run's own timeouts and retries. */
  public static ConnectOptions of(Settings settings) {
    return new ConnectOptions(settings.connectTimeout(), settings.commandTimeout(),
        new Backoff(settings.retries(), Backoff.FIRST_DELAY));
  }

  /** The defaults, for commands that take no timeout flags. */
  public static ConnectOptions defaults() {
    SettingsLayer d = SettingsLayer.DEFAULTS;
    return new ConnectOptions(d.connectTimeout(), d.commandTimeout(), new Backoff(d.retries(), Backoff.FIRST_DELAY));
  }

  /** One attempt only: for a side connection whose failure the main one will meet and retry anyway. */
  public ConnectOptions withoutRetries() {
    return new ConnectOptions(connectTimeout, commandTimeout, new Backoff(0, Backoff.FIRST_DELAY));
  }
}
