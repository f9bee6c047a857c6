package dev.cacheflush.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
    return start(workDir, null, args);
  }

  /** With exactly this environment (nothing inherited) when it is not null: what the AWS SDK's chains read. */
  public static JarRun start(Path workDir, Map<String, String> env, String... args) {
    Path jar = Path.of("target/cacheflush.jar").toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: integration tests run after 'mvn package'");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString()));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(workDir, "stdout", ".txt");
      Path err = Files.createTempFile(workDir, "stderr", ".txt");
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
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
