package dev.cacheflush.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the packaged jar as its own process, as a person or a pipeline would: real stdout and
 * stderr (logs included), real signals, real exit code.
 */
public final class JarRun {
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private JarRun(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  public static JarRun start(Path workDir, String... args) {
    return start(workDir, null, List.of(), args);
  }

  /** With exactly this environment (nothing inherited) when it is not null: what the AWS SDK's chains read. */
  public static JarRun start(Path workDir, Map<String, String> env, String... args) {
    return start(workDir, env, List.of(), args);
  }

  /**
   * Runs the jar with the JVM flags bin/cacheflush gives it (its fixed heap among them), read from
   * the launcher itself so that a test of what fits in that heap follows the launcher when it changes.
   */
  public static JarRun startAsLauncher(Path workDir, String... args) {
    return start(workDir, null, launcherJvmFlags(), args);
  }

  /** The flags of the launcher's {@code jvm=(...)} array. */
  public static List<String> launcherJvmFlags() {
    try {
      String launcher = Files.readString(Path.of("bin/cacheflush"));
      Matcher array = Pattern.compile("(?m)^jvm=\\(([^)]*)\\)").matcher(launcher);
      if (!array.find()) {
        throw new IllegalStateException(
            "bin/cacheflush no longer sets its JVM flags in a jvm=(...) array");
      }
      return List.of(array.group(1).trim().split("\\s+"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JarRun start(
      Path workDir, Map<String, String> env, List<String> jvmFlags, String... args) {
    Path jar = Path.of("target/cacheflush.jar").toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar + " is missing: integration tests run after 'mvn package'");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // With Ctrl-C and SIGTERM as a terminal gives them: a suite started in the background by a
    // shell without job control inherits SIGINT ignored, and the JVM would then never see it.
    List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT,TERM", java));
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(workDir, "stdout", ".txt");
      Path err = Files.createTempFile(workDir, "stderr", ".txt");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      if (env != null) {
        builder.environment().clear();
        builder.environment().putAll(env);
      }
      Process p = builder.start();
      return new JarRun(p, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  /** Sends a signal by name (INT, TERM), as Ctrl-C or a process manager would. */
  public void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start().waitFor();
  }

  /** Waits for the process to end and returns its exit code. */
  public int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("cacheflush did not end within " + seconds + " s; stderr: " + err());
    }
    return process.exitValue();
  }

  public String out() {
    return read(stdout);
  }

  public String err() {
    return read(stderr);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
