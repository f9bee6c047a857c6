package dev.cacheflush.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * One real {@code redis-server} process on a loopback port, owned by a test. Its working directory
 * is a fresh temporary folder, so persistence (when a test turns it on) survives {@link #kill()}
 * and {@link #start()} on the same port. The same class runs TLS-only servers (see
 * {@link RedisServers#tls}) and Sentinels (see {@link RedisServers#sentinel}).
 *
 * <p>Every process is registered with a reaper: a JVM shutdown hook and a watchdog kill it even
 * when the test JVM crashes. {@link #close()} kills the process and deletes the folder (keep it
 * with {@code -Dcacheflush.keepTestDirs=true}).
 */
public final class RedisServer implements AutoCloseable {
  static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(3);

  private final int port;
  private final Path dir;
  private final List<String> extraArgs;
  private final TestCertificates tls;
  private final TlsClientAuth tlsClientAuth;
  private final String sentinelConfig;
  private final String password;
  private Process process;
  private boolean paused;
  private SSLContext sslContext;

  RedisServer(int port, Path dir, List<String> extraArgs) {
    this(port, dir, extraArgs, null, null, null);
  }

  RedisServer(
      int port,
      Path dir,
      List<String> extraArgs,
      TestCertificates tls,
      TlsClientAuth tlsClientAuth,
      String sentinelConfig) {
    this.port = port;
    this.dir = dir;
    this.extraArgs = List.copyOf(extraArgs);
    this.tls = tls;
    this.tlsClientAuth = tlsClientAuth;
    this.sentinelConfig = sentinelConfig;
    int passwordIndex = this.extraArgs.indexOf("--requirepass");
    this.password =
        passwordIndex >= 0 && passwordIndex + 1 < this.extraArgs.size()
            ? this.extraArgs.get(passwordIndex + 1)
            : null;
  }

  public int port() {
    return port;
  }

  public String host() {
    return "127.0.0.1";
  }

  /** {@code redis://127.0.0.1:port}, or {@code rediss://...} for a TLS server. */
  public String url() {
    return (isTls() ? "rediss" : "redis") + "://127.0.0.1:" + port;
  }

  /** {@code host:port}, the way redis-cli and CLUSTER NODES spell an address. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public Path dir() {
    return dir;
  }

  /** The server's log file (useful in assertion messages). */
  public Path logFile() {
    return dir.resolve("redis.log");
  }

  /** Whether this server listens with TLS only. */
  public boolean isTls() {
    return tls != null;
  }

  /** {@code rediss://127.0.0.1:port}; only for a TLS server. */
  public String tlsUrl() {
    return "rediss://127.0.0.1:" + port + requireTls("tlsUrl()");
  }

  /** The CA, server, client and wrong-CA PEM files this TLS server was started with. */
  public TestCertificates certificates() {
    requireTls("certificates()");
    return tls;
  }

  private String requireTls(String what) {
    if (tls == null) {
      throw new IllegalStateException(what + ": " + this + " is not a TLS server");
    }
    return "";
  }

  public boolean isSentinel() {
    return sentinelConfig != null;
  }

  /** Starts the process (again) and waits until it answers PING. */
  public synchronized RedisServer start() {
    if (process != null && process.isAlive()) {
      return this;
    }
    try {
      Files.createDirectories(dir);
      if (sentinelConfig != null && !Files.exists(sentinelConfigFile())) {
        Files.writeString(sentinelConfigFile(), sentinelConfig);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>();
    command.add("redis-server");
    if (sentinelConfig != null) {
      command.add(sentinelConfigFile().toString());
      command.add("--sentinel");
    }
    if (tls != null) {
      command.addAll(
          List.of(
              "--port", "0",
              "--tls-port", String.valueOf(port),
              "--tls-cert-file", tls.serverCert().toString(),
              "--tls-key-file", tls.serverKey().toString(),
              "--tls-ca-cert-file", tls.caCert().toString(),
              "--tls-auth-clients", tlsClientAuth.redisValue(),
              "--tls-replication", "yes"));
    } else {
      command.addAll(List.of("--port", String.valueOf(port)));
    }
    command.addAll(
        List.of(
            "--bind", "127.0.0.1",
            "--daemonize", "no",
            "--dir", dir.toString(),
            "--save", "",
            "--appendonly", "no",
            "--enable-debug-command", "local",
            "--logfile", logFile().toString()));
    if (sentinelConfig == null) {
      // Replicas sync at once instead of waiting 5 s for more replicas to join a diskless transfer.
      command.addAll(List.of("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"));
    }
    command.addAll(extraArgs);
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("stdout.log").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start redis-server (is it installed? scripts/test installs it)", e);
    }
    ProcessReaper.register(process);
    try {
      awaitReady(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      kill();
      throw e;
    }
    return this;
  }

  /** SIGKILL: the server dies without a chance to save or say goodbye. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      waitFor(process);
      ProcessReaper.unregister(process);
      paused = false;
    }
  }

  /** SIGTERM: a clean shutdown (the server saves if persistence is on). */
  public synchronized void stop() {
    if (process != null) {
      if (paused && process.isAlive()) {
        resume();
      }
      process.destroy();
      waitFor(process);
      ProcessReaper.unregister(process);
      paused = false;
    }
  }

  /**
   * SIGSTOP: the process freezes, connections stay open, nothing is answered (a hung server, as
   * opposed to a network stall, see {@link FaultProxy#blackhole}). Undo with {@link #resume()}.
   */
  public synchronized void pause() {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT after {@link #pause()}. */
  public synchronized void resume() {
    signal("CONT");
    paused = false;
  }

  private void signal(String name) {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException(this + " is not running");
    }
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A clean {@link #stop()}, then {@link #start()} on the same port and folder. */
  public synchronized RedisServer restart() {
    stop();
    return start();
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Sends one command on a fresh admin connection (TLS and {@code --requirepass} handled) and
   * returns the reply with bulk strings decoded as UTF-8: String, Long, List or null. An error
   * reply throws {@link RedisErrorReply}.
   */
  public Object call(Object... args) {
    return Resp.decode(callRaw(args));
  }

  /** {@link #call} for commands whose reply is a string (bulk or simple) or an integer. */
  public String callString(Object... args) {
    Object reply = call(args);
    return reply == null ? null : reply.toString();
  }

  /** The reply exactly as received: bulk strings stay {@code byte[]}. */
  Object callRaw(Object... args) {
    try (Resp resp = admin()) {
      return resp.call(args);
    }
  }

  /** A fresh admin connection, already authenticated. */
  Resp admin() {
    Resp resp = Resp.connect(port, sslContext(), ADMIN_TIMEOUT);
    if (password != null) {
      try {
        resp.call("AUTH", password);
      } catch (RuntimeException e) {
        resp.close();
        throw e;
      }
    }
    return resp;
  }

  /** The password given with {@code --requirepass}, if any (admin calls AUTH with it). */
  String password() {
    return password;
  }

  /** The first element of ROLE: {@code master}, {@code slave} or {@code sentinel}. */
  public String role() {
    return ((List<?>) call("ROLE")).get(0).toString();
  }

  /** {@code INFO <section>} as a map (section headers and blank lines dropped). */
  public Map<String, String> info(String section) {
    Map<String, String> info = new LinkedHashMap<>();
    for (String line : callString("INFO", section).split("\r\n")) {
      int colon = line.indexOf(':');
      if (!line.startsWith("#") && colon > 0) {
        info.put(line.substring(0, colon), line.substring(colon + 1));
      }
    }
    return info;
  }

  /**
   * How many times {@code command} (lower case, e.g. {@code unlink}) ran since the server started
   * or its last {@code CONFIG RESETSTAT}, from {@code INFO commandstats}; 0 for one never called.
   */
  public long commandCalls(String command) {
    String stat = info("commandstats").get("cmdstat_" + command);
    return stat == null ? 0 : Long.parseLong(stat.replaceAll("^calls=(\\d+),.*$", "$1"));
  }

  /** Kills the process and deletes its folder. */
  /** Kills every server, each even if another fails to stop; the first failure is thrown at the end. */
  public static void closeAll(Iterable<RedisServer> servers) {
    RuntimeException first = null;
    for (RedisServer server : servers) {
      try {
        server.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public void close() {
    kill();
    if (!Boolean.getBoolean("cacheflush.keepTestDirs")) {
      deleteRecursively(dir);
    }
  }

  @Override
  public String toString() {
    return (isSentinel() ? "redis-sentinel " : "redis-server ")
        + address()
        + (isTls() ? " (tls)" : "");
  }

  private Path sentinelConfigFile() {
    return dir.resolve("sentinel.conf");
  }

  private synchronized SSLContext sslContext() {
    if (tls != null && sslContext == null) {
      sslContext = tls.sslContext(true);
    }
    return sslContext;
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      Process current;
      synchronized (this) {
        current = process;
      }
      if (!current.isAlive()) {
        throw new IllegalStateException(this + " exited: " + tail());
      }
      try (Resp resp = Resp.connect(port, sslContext(), Duration.ofMillis(500))) {
        Object pong = resp.call("PING");
        if ("PONG".equals(pong)) {
          return;
        }
      } catch (RedisErrorReply e) {
        if (!e.getMessage().startsWith("LOADING")) {
          return; // e.g. NOAUTH: the server is up and answering
        }
        last = e.getMessage();
      } catch (UncheckedIOException notYet) {
        last = notYet.getMessage();
      }
      sleep(20);
    }
    throw new IllegalStateException(this + " did not start (" + last + "): " + tail());
  }

  /** Whether the last start failed because another process took the port meanwhile. */
  boolean lostPortRace() {
    try {
      return Files.exists(logFile())
          && Files.readString(logFile()).contains("Address already in use");
    } catch (IOException e) {
      return false;
    }
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

  String tail() {
    try {
      List<String> lines = Files.readAllLines(logFile());
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (IOException ignored) {
                  // best effort
                }
              });
    } catch (IOException | UncheckedIOException ignored) {
      // best effort
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
