package dev.cacheflush.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure no server process spawned by tests outlives the test JVM.
 *
 * <ul>
 *   <li>A JVM shutdown hook SIGKILLs every registered process still alive (normal exit, a crashed
 *       test, System.exit, SIGTERM/SIGINT from Maven or the developer).
 *   <li>A tiny watchdog shell, started once per JVM, blocks reading its stdin, a pipe only this JVM
 *       holds. When the JVM dies in any way, SIGKILL included, the kernel closes the pipe, the
 *       watchdog wakes and SIGKILLs the processes whose pid files are still in its folder (after
 *       checking {@code /proc/<pid>/cmdline} still names redis, against pid reuse).
 * </ul>
 */
final class ProcessReaper {
  private static final Map<Process, Path> LIVE = new ConcurrentHashMap<>();
  private static Path pidDir;
  private static Process watchdog;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::killAll, "redis-reaper"));
  }

  private ProcessReaper() {}

  static synchronized void register(Process process) {
    Path pidFile = null;
    try {
      ensureWatchdog();
      if (pidDir != null) {
        pidFile = pidDir.resolve(process.pid() + ".pid");
        Files.writeString(pidFile, Long.toString(process.pid()));
      }
    } catch (IOException | RuntimeException e) {
      // The shutdown hook still covers every ordinary way the JVM ends.
    }
    LIVE.put(process, pidFile == null ? Path.of("") : pidFile);
  }

  /** The process is dead (or about to be) by the test's own hand: forget it. */
  static void unregister(Process process) {
    Path pidFile = LIVE.remove(process);
    if (pidFile != null && !pidFile.toString().isEmpty()) {
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException ignored) {
        // harmless: the watchdog checks the command line before it kills
      }
    }
  }

  static void killAll() {
    for (Process process : LIVE.keySet()) {
      process.destroyForcibly();
    }
    for (Process process : LIVE.keySet()) {
      try {
        process.waitFor(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      unregister(process);
    }
  }

  private static void ensureWatchdog() throws IOException {
    if (watchdog != null) {
      return;
    }
    pidDir = Files.createTempDirectory("cacheflush-reaper-");
    // Ignore the signals a terminal or CI sends to the whole process group: the watchdog must
    // outlive the JVM to do its job, and it exits on its own once the JVM is gone.
    String script =
        "trap '' INT TERM HUP; read _ignored; "
            + "for f in \"$0\"/*.pid; do "
            + "  [ -f \"$f\" ] || continue; p=$(cat \"$f\"); "
            + "  if grep -q redis \"/proc/$p/cmdline\" 2>/dev/null; then kill -9 \"$p\"; fi; "
            + "  rm -f \"$f\"; "
            + "done; rmdir \"$0\" 2>/dev/null; exit 0";
    watchdog =
        new ProcessBuilder("sh", "-c", script, pidDir.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
  }
}
