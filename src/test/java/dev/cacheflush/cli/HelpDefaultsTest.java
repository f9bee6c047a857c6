package dev.cacheflush.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.config.DbSettings;
import dev.cacheflush.config.Durations;
import dev.cacheflush.config.MonitorSettings;
import dev.cacheflush.config.WatchSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;

/** The default a help text states is the one the run uses: both come from one constant. */
class HelpDefaultsTest {
  @Test
  void durationDefaultsInTheHelpShouldBeTheOnesTheSettingsApply() {
    assertStatesDefault(
        new MonitorOptions(), "--sample-window", MonitorSettings.DEFAULT_SAMPLE_WINDOW);
    assertStatesDefault(new WatchConditionOptions(), "--interval", WatchSettings.DEFAULT_INTERVAL);
    assertStatesDefault(new DbOptions(), "--db-interval", DbSettings.DEFAULT_INTERVAL);
    assertStatesDefault(new WatchCommand(null), "--within", WatchSettings.DEFAULT_WITHIN);
  }

  @Test
  void consecutiveDefaultInTheHelpShouldBeTheOneTheWatchApplies() {
    assertThat(description(new WatchConditionOptions(), "--consecutive"))
        .contains("Default: " + WatchSettings.DEFAULT_CONSECUTIVE + ".");
  }

  private static void assertStatesDefault(Object options, String name, Duration applied) {
    assertThat(description(options, name)).contains("Default: " + Durations.format(applied));
  }

  private static String description(Object options, String name) {
    return String.join(" ", CommandSpec.forAnnotatedObject(options).findOption(name).description());
  }
}
