package dev.cacheflush.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.support.FreePorts;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dashboard --apply} on a machine with no AWS credentials at all (no variables, empty
 * profile files, no instance metadata): the packaged tool in a process of its own, so that nothing
 * of this machine's AWS set-up reaches the SDK.
 */
class DashboardCredentialsIT {
  @TempDir Path dir;

  @Test
  void withoutCredentialsApplyShouldSayInOneLineWhatToSet() throws Exception {
    Path empty = Files.writeString(dir.resolve("aws-config"), "");
    ProcessBuilder pb =
        new ProcessBuilder(
                "java",
                "-jar",
                Path.of("target/cacheflush.jar").toAbsolutePath().toString(),
                "dashboard",
                "--apply",
                "--region",
                "us-east-1",
                "--metrics-endpoint",
                "http://127.0.0.1:" + FreePorts.next())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(dir.resolve("out").toFile())
            .redirectError(dir.resolve("err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    pb.environment().put("AWS_CONFIG_FILE", empty.toString());
    pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", empty.toString());
    pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    pb.environment().put("HOME", dir.toString());
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

    List<String> err = Files.readAllLines(dir.resolve("err"));
    assertThat(p.exitValue()).as(String.join("\n", err)).isEqualTo(2);
    assertThat(err)
        .singleElement()
        .asString()
        .startsWith(
            "cacheflush: CloudWatch needs AWS credentials and none were found: set AWS_PROFILE")
        .contains("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        .hasSizeLessThan(200);
    assertThat(Files.readString(dir.resolve("out"))).isEmpty();
  }
}
