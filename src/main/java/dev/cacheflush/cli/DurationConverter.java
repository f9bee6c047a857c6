package dev.cacheflush.cli;

import dev.cacheflush.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Lets flags take the same durations as the settings file: 500ms, 60s, 2m. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Durations.parse(value, "duration");
  }
}
