package dev.cacheflush.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real {@code redis-server} process on a loopback port, owned by a test. Its working directory
 * is a fresh temporary folder, so persistence (when a test turns it on) survives {@link #kill()}
 * and {@link #start()} on the same port.
 */
public final class RedisServer implements AutoCloseable {
  private final int port;
  private final Path dir;
  private final List<String> extraArgs;
  private Process process;

  RedisServer(int port, Path dir, List<String> extraArgs) {
    this.port = port;
    this.dir = dir;
    this.extraArgs = List.copyOf(extraArgs);
  }

  public int port() {
    return port;
  }

  public String host() {
    return "127.0.0.1";
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public Path dir() {
    return dir;
  }

  /** Starts the process (again) and waits until it accepts connections. */
  public synchronized RedisServer start() {
    if (process != null && process.isAlive()) {
      return this;
    }
    List<String> command = new ArrayList<>(List.of(
        "redis-server",
        "--port", String.valueOf(port),
        "--bind", "127.0.0.1",
        "--dir", dir.toString(),
        "--save", "",
        "--appendonly", "no",
        "--logfile", dir.resolve("redis.log").toString()));
    command.addAll(extraArgs);
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve("stdout.log").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server (is it installed? scripts/test installs it)", e);
    }
    awaitListening(port, Duration.ofSeconds(10), process, dir);
    return this;
  }

  /** SIGKILL: the server dies without a chance to save or say goodbye. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      waitFor(process);
    }
  }

  /** SIGTERM: a clean shutdown (the server saves if persistence is on). */
  public synchronized void stop() {
    if (process != null) {
      process.destroy();
      waitFor(process);
    }
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public void close() {
    kill();
  }

  private static void waitFor(Process process) {
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void awaitListening(int port, Duration timeout, Process process, Path dir) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server on port " + port + " exited: " + tail(dir));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(20);
      }
    }
    throw new IllegalStateException("redis-server on port " + port + " did not start: " + tail(dir));
  }

  private static String tail(Path dir) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("redis.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
