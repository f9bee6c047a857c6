package dev.cacheflush.config;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;

/** Bad usage or configuration, found before anything is connected to or touched (exit 2). */
public final class ConfigException extends CacheflushException {
  public ConfigException(String message) {
    super(ExitCode.USAGE, message);
  }

  public ConfigException(String message, Throwable cause) {
    super(ExitCode.USAGE, message, cause);
  }
}
