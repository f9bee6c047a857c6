package dev.cacheflush.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for a test: initdb in a fresh temporary directory, then postgres on a free
 * loopback port, never the machine's own server. Password authentication over TCP (scram), so
 * tests can check that the password never shows. initdb refuses to run as root, so as root every
 * PostgreSQL program runs as the {@code postgres} user, which then owns the directory. A JVM
 * shutdown hook stops the server if a test does not.
 *
 * <p>Set CACHEFLUSH_TEST_PG_URL (JDBC), CACHEFLUSH_TEST_PG_USER and CACHEFLUSH_TEST_PG_PASSWORD to
 * use a server of your own instead; tests create and drop their own tables in it.
 */
public final class PostgresServer implements AutoCloseable {
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final Path bin;
  private final Path dir;
  private final Thread stopHook;

  private PostgresServer(String jdbcUrl, String user, String password, Path bin, Path dir) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.bin = bin;
    this.dir = dir;
    this.stopHook = dir == null ? null : new Thread(this::stop, "stop-test-postgres");
    if (stopHook != null) {
      Runtime.getRuntime().addShutdownHook(stopHook);
    }
  }

  /** The server named by CACHEFLUSH_TEST_PG_URL, or a new one started for this test. */
  public static PostgresServer fromEnvironmentOrStart() {
    String given = System.getenv("CACHEFLUSH_TEST_PG_URL");
    if (given != null && !given.isBlank()) {
      return new PostgresServer(
          given,
          System.getenv("CACHEFLUSH_TEST_PG_USER"),
          System.getenv("CACHEFLUSH_TEST_PG_PASSWORD"),
          null,
          null);
    }
    return start();
  }

  public static PostgresServer start() {
    Path bin = binaries();
    int port = FreePorts.next();
    String password = "pg-" + UUID.randomUUID();
    try {
      Path dir = Files.createTempDirectory("cacheflush-pg-");
      Path pwfile = dir.resolve("pwfile");
      Files.writeString(pwfile, password + "\n");
      if (ROOT) {
        run(List.of("chown", "-R", "postgres:postgres", dir.toString()), dir);
      }
      run(
          asPostgres(
              bin.resolve("initdb").toString(),
              "-D",
              dir.resolve("data").toString(),
              "-U",
              "postgres",
              "--auth-local=trust",
              "--auth-host=scram-sha-256",
              "--pwfile=" + pwfile,
              "--no-sync",
              "-E",
              "UTF8",
              "--locale=C"),
          dir);
      Files.delete(pwfile);
      // Durability off: the data is thrown away, and the test should measure queries, not fsync.
      String options =
          "-p "
              + port
              + " -k "
              + dir
              + " -c listen_addresses=127.0.0.1 -c fsync=off"
              + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=40";
      run(
          asPostgres(
              bin.resolve("pg_ctl").toString(),
              "-D",
              dir.resolve("data").toString(),
              "-l",
              dir.resolve("postgres.log").toString(),
              "-o",
              options,
              "-w",
              "-t",
              "60",
              "start"),
          dir);
      return new PostgresServer(
          "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", password, bin, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The newest installed PostgreSQL: Debian puts each major version under /usr/lib/postgresql/N/bin. */
  static Path binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
          .max(Comparator.comparingDouble(v -> version(v.getFileName().toString())))
          .map(v -> v.resolve("bin"))
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "no initdb under " + root + "; scripts/setup installs postgresql"));
    } catch (IOException e) {
      throw new IllegalStateException(
          "PostgreSQL is not installed (no " + root + "); scripts/setup installs it", e);
    }
  }

  private static double version(String name) {
    try {
      return Double.parseDouble(name);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static List<String> asPostgres(String... command) {
    List<String> full = new ArrayList<>();
    if (ROOT) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    return full;
  }

  private static void run(List<String> command, Path dir) {
    try {
      Path output = Files.createTempFile("cacheflush-pg-cmd-", ".log");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in 90 s");
      }
      String log = Files.readString(output);
      Files.delete(output);
      if (p.exitValue() != 0) {
        String serverLog =
            Files.exists(dir.resolve("postgres.log"))
                ? Files.readString(dir.resolve("postgres.log"))
                : "";
        throw new IllegalStateException(
            String.join(" ", command) + " failed (" + p.exitValue() + "):\n" + log + serverLog);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The JDBC URL, without credentials. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String user() {
    return user;
  }

  /** The server's data directory, or null for a server of your own (CACHEFLUSH_TEST_PG_URL). */
  public Path dataDirectory() {
    return dir == null ? null : dir.resolve("data");
  }

  public String password() {
    return password;
  }

  /** The URL with the credentials in it, as a user might pass it to --db-url. */
  public String jdbcUrlWithCredentials() {
    return jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "user=" + user + "&password=" + password;
  }

  public Connection connect() throws SQLException {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    return DriverManager.getConnection(jdbcUrl, properties);
  }

  private synchronized void stop() {
    if (dir != null && Files.exists(dir.resolve("data/postmaster.pid"))) {
      run(
          asPostgres(
              bin.resolve("pg_ctl").toString(),
              "-D",
              dir.resolve("data").toString(),
              "-m",
              "immediate",
              "-w",
              "stop"),
          dir);
    }
  }

  @Override
  public void close() {
    stop();
    if (stopHook != null) {
      Runtime.getRuntime().removeShutdownHook(stopHook);
      deleteRecursively(dir);
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + root, e);
    }
  }
}
