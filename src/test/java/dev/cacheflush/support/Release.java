package dev.cacheflush.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The release that scripts/package builds (target/dist), and running its programs as a person would. */
public final class Release {
  private Release() {}

  public record Result(int exitCode, String out, String err) {}

  /** The linux-x64 archive; the dist profile (scripts/test, scripts/package) builds it before the tests. */
  public static Path archive() {
    return find("-linux-x64.tar.gz");
  }

  /** The OCI image archive beside it. */
  public static Path image() {
    return find("-image.tar");
  }

  private static Path find(String suffix) {
    try (Stream<Path> files = Files.list(Path.of("target/dist"))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(suffix))
          .findFirst()
          .orElseThrow()
          .toAbsolutePath();
    } catch (IOException | java.util.NoSuchElementException e) {
      throw new IllegalStateException(
          "target/dist/*" + suffix + " is missing: run with -Pdist (scripts/test does)", e);
    }
  }

  /** Runs a command with exactly this environment (nothing inherited), in a folder, stdin empty. */
  public static Result run(
      Path dir, Map<String, String> env, Duration timeout, List<String> command) {
    try {
      Path out = Files.createTempFile(dir, "stdout", ".txt");
      Path err = Files.createTempFile(dir, "stderr", ".txt");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().clear();
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(
            command + " did not end within " + timeout + "; stderr: " + Files.readString(err));
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
