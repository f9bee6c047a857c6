package dev.cacheflush.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.JarRun;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The least-privilege user from {@code cacheflush acl}, created on a real server with the printed
 * rule: the whole flush runs as it, Redis itself refuses it a preserved key, and its password
 * never shows in any output.
 */
class AclIT {
  static final String USER = "flusher";
  static final String PASSWORD = "pw-Zq81-never-printed";
  static RedisServer server;
  static Keyspace keyspace;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    server = RedisServers.standalone();
    keyspace = new Keyspace(server.url());
    CliRun.Result acl = new CliRun().run("acl", "--user", USER);
    assertThat(acl.exitCode()).as(acl.err()).isZero();
    String rule =
        acl.out().lines().filter(l -> l.startsWith("ACL SETUSER")).findFirst().orElseThrow();
    server.call((Object[]) rule.split(" "));
    server.call("ACL", "SETUSER", USER, ">" + PASSWORD);
  }

  @AfterAll
  static void stop() {
    keyspace.close();
    server.close();
  }

  @BeforeEach
  void fill() {
    keyspace.connection().sync().flushall();
    keyspace.write(
        Keyspace.families(
            Map.of("mocs", 2_000, "gallery", 1_000, "sessions", 1_000, "ratelimit", 500)));
    server.call("ACL", "LOG", "RESET");
  }

  @Test
  void wholeFlushShouldRunAsTheLeastPrivilegeUserAndRedisShouldRefuseItAPreservedKey() {
    CliRun.Result flush =
        new CliRun()
            .env("REDIS_USERNAME", USER)
            .env("REDIS_PASSWORD", PASSWORD)
            .run("flush", "--yes", "--sample-window", "0", "--redis-url", server.url());

    assertThat(flush.exitCode()).as(flush.err()).isZero();
    assertThat(flush.out()).contains("Outcome   completed");
    assertThat(keyspace.dbSize()).isEqualTo(1_500);
    assertThat((List<?>) server.call("ACL", "LOG")).as("commands the flush was refused").isEmpty();

    RedisClient client =
        RedisClient.create(
            RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(server.port())
                .withAuthentication(USER, PASSWORD)
                .build());
    try (StatefulRedisConnection<String, String> asFlusher = client.connect()) {
      assertThatThrownBy(() -> asFlusher.sync().unlink("sessions:1"))
          .isInstanceOf(RedisCommandExecutionException.class)
          .hasMessageStartingWith("NOPERM");
      assertThatThrownBy(() -> asFlusher.sync().flushall()).hasMessageStartingWith("NOPERM");
      assertThat(asFlusher.sync().unlink("mocs:nothing-here")).isZero();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
    assertThat(keyspace.exists(Keyspace.bytes("sessions:1"))).isTrue();
  }

  @Test
  void userFromAclLockShouldRunADefaultFlushAndNoLockShouldLeaveTheLockOut() {
    CliRun.Result withLock = new CliRun().run("acl", "--user", "locker", "--lock");
    CliRun.Result withoutLock = new CliRun().run("acl", "--user", "locker", "--no-lock");
    assertThat(withLock.exitCode()).as(withLock.err()).isZero();
    assertThat(withLock.out()).contains("~cacheflush:lock", "+set");
    assertThat(withoutLock.out()).doesNotContain("cacheflush:lock").doesNotContain("+set");

    String rule =
        withLock.out().lines().filter(l -> l.startsWith("ACL SETUSER")).findFirst().orElseThrow();
    server.call((Object[]) rule.split(" "));
    server.call("ACL", "SETUSER", "locker", ">" + PASSWORD);
    try {
      CliRun.Result flush =
          new CliRun()
              .env("REDIS_USERNAME", "locker")
              .env("REDIS_PASSWORD", PASSWORD)
              .run("flush", "--yes", "--sample-window", "0", "--redis-url", server.url());

      assertThat(flush.exitCode()).as(flush.err()).isZero();
      assertThat(keyspace.dbSize()).isEqualTo(1_500);
      assertThat((List<?>) server.call("ACL", "LOG"))
          .as("commands the flush was refused")
          .isEmpty();
    } finally {
      server.call("ACL", "DELUSER", "locker");
    }
  }

  /**
   * The password given every way (in the URL, REDIS_PASSWORD, --redis-password), in runs that
   * succeed and runs that fail, with debug logs, text and JSON output and a report file, as a real
   * process: not one byte of output holds it.
   */
  @Test
  void passwordShouldNeverAppearInAnyOutput() throws Exception {
    String inUrl = "redis://" + USER + ":" + PASSWORD + "@127.0.0.1:" + server.port();
    Path report = dir.resolve("report.json");
    List<String> outputs = new ArrayList<>();

    JarRun viaUrl =
        JarRun.start(
            dir,
            "flush",
            "--yes",
            "--sample-window",
            "0",
            "--verbose",
            "--redis-url",
            inUrl,
            "--report",
            report.toString());
    assertThat(viaUrl.waitFor(60)).as(viaUrl.err()).isZero();
    outputs.addAll(List.of(viaUrl.out(), viaUrl.err(), Files.readString(report)));
    assertThat(viaUrl.out()).contains("redis://" + USER + ":****@127.0.0.1:" + server.port());

    JarRun json =
        JarRun.start(
            dir,
            "plan",
            "--verbose",
            "--format",
            "json",
            "--redis-url",
            server.url(),
            "--redis-username",
            USER,
            "--redis-password",
            PASSWORD);
    assertThat(json.waitFor(60)).as(json.err()).isZero();
    outputs.addAll(List.of(json.out(), json.err()));

    CliRun.Result wrongUser =
        new CliRun()
            .env("REDIS_USERNAME", "nobody")
            .env("REDIS_PASSWORD", PASSWORD)
            .run("plan", "--verbose", "--redis-url", server.url());
    assertThat(wrongUser.exitCode()).isEqualTo(2);
    assertThat(wrongUser.errorLines()).last().asString().contains("refused the credentials");
    outputs.addAll(List.of(wrongUser.out(), wrongUser.err()));

    CliRun.Result badUrl =
        new CliRun()
            .run("plan", "--redis-url", "redis://" + USER + ":" + PASSWORD + "@127.0.0.1:0");
    assertThat(badUrl.exitCode()).isEqualTo(2);
    outputs.addAll(List.of(badUrl.out(), badUrl.err()));

    assertThat(outputs).allSatisfy(output -> assertThat(output).doesNotContain(PASSWORD));
    assertThat(String.join("", outputs)).contains("****");
  }
}
