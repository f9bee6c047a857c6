package dev.cacheflush.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.support.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch and metrics settings of cacheflush.yml reach the commands, below their flags. */
class FileSettingsTest {
  @TempDir Path dir;

  @Test
  void watchShouldTakeItsIntervalFromTheFileUnlessTheFlagIsGiven() throws Exception {
    Files.writeString(dir.resolve("cacheflush.yml"), "watchInterval: 30s\n");

    CliRun.Result fromFile =
        new CliRun().in(dir).run("watch", "--redis-url", "redis://127.0.0.1:1", "--for", "5s");
    assertThat(fromFile.exitCode()).isEqualTo(2);
    assertThat(fromFile.err()).contains("--interval 30s is longer than --for 5s");

    CliRun.Result flagWins =
        new CliRun()
            .in(dir)
            .run("watch", "--redis-url", "redis://127.0.0.1:1", "--for", "5s", "--interval", "10s");
    assertThat(flagWins.err()).contains("--interval 10s is longer than --for 5s");
  }

  @Test
  void flushShouldCheckTheFilesMetricsNamespaceBeforeConnecting() throws Exception {
    Files.writeString(dir.resolve("cacheflush.yml"), "metricsNamespace: AWS/Mine\n");

    CliRun.Result r =
        new CliRun()
            .in(dir)
            .run("flush", "--dry-run", "--redis-url", "redis://127.0.0.1:1", "--retries", "0");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--metrics-namespace 'AWS/Mine' is not a CloudWatch namespace");
  }

  @Test
  void dashboardShouldShowTheNamespaceTheFlushesPublishToFromTheFile() throws Exception {
    Files.writeString(dir.resolve("cacheflush.yml"), "metricsNamespace: Shop/Cache\n");

    CliRun.Result fromFile =
        new CliRun()
            .in(dir)
            .run("dashboard", "--region", "eu-west-1", "--cache-cluster-id", "c-001");
    assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
    assertThat(fromFile.out()).contains("Shop/Cache");

    CliRun.Result flagWins =
        new CliRun()
            .in(dir)
            .run(
                "dashboard",
                "--region",
                "eu-west-1",
                "--cache-cluster-id",
                "c-001",
                "--metrics-namespace",
                "Other/Space");
    assertThat(flagWins.out()).contains("Other/Space").doesNotContain("Shop/Cache");
  }
}
