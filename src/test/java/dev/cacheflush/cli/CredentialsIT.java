package dev.cacheflush.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who the run is to a real server with a password on the default user and an ACL user, as an
 * ElastiCache RBAC cache is: the README's {@code redis://flusher@host} with REDIS_PASSWORD is that
 * user; a refusal names the user tried and never the password; credentials and a database that do
 * not fit are configuration errors (exit 2).
 */
class CredentialsIT {
  static final String ADMIN_PASSWORD = "admin-pw-Xq2";
  static final String USER = "flusher";
  static final String PASSWORD = "flusher-pw-7Hk-never-printed";

  static RedisServer server;
  static Keyspace keyspace;
  static String hostPort;

  @BeforeAll
  static void start() {
    server = RedisServers.standalone("--requirepass", ADMIN_PASSWORD);
    server.call("ACL", "SETUSER", USER, "on", ">" + PASSWORD, "~*", "+@all");
    hostPort = "127.0.0.1:" + server.port();
    keyspace = new Keyspace("redis://:" + ADMIN_PASSWORD + "@" + hostPort);
  }

  @AfterAll
  static void stop() {
    keyspace.close();
    server.close();
  }

  @BeforeEach
  void fill() {
    keyspace.connection().sync().flushall();
    keyspace.write(Keyspace.families(Map.of("mocs", 100, "sessions", 100)));
    server.call("ACL", "LOG", "RESET");
  }

  @Test
  void urlUserWithThePasswordFromTheEnvironmentShouldAuthenticateAsThatUser() {
    CliRun.Result r =
        new CliRun()
            .env("REDIS_PASSWORD", PASSWORD)
            .run(
                "flush",
                "--yes",
                "--sample-window",
                "0",
                "--redis-url",
                "redis://" + USER + "@" + hostPort);

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("redis://" + USER + ":****@" + hostPort);
    assertThat(keyspace.dbSize()).isEqualTo(100);
  }

  @Test
  void refusedPasswordShouldNameTheUserTriedAndExitTwo() {
    CliRun.Result r =
        new CliRun()
            .env("REDIS_PASSWORD", "wrong-" + PASSWORD)
            .run(
                "flush",
                "--yes",
                "--sample-window",
                "0",
                "--redis-url",
                "redis://" + USER + "@" + hostPort);

    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.errorLines())
        .singleElement()
        .asString()
        .contains("refused the credentials of user 'flusher'", "WRONGPASS", "REDIS_PASSWORD");
    assertThat(r.out() + r.err()).doesNotContain(PASSWORD);
    assertThat(keyspace.dbSize()).isEqualTo(200);
  }

  @Test
  void refusedPasswordOfTheDefaultUserShouldSaySo() {
    CliRun.Result r =
        new CliRun().run("plan", "--redis-url", "redis://:not-the-admin-pw@" + hostPort);

    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.errorLines())
        .singleElement()
        .asString()
        .contains("refused the credentials of the default user");
  }

  @Test
  void userWithoutAnyPasswordShouldBeRefusedBeforeConnecting() {
    CliRun.Result r =
        new CliRun().run("flush", "--yes", "--redis-url", "redis://" + USER + "@" + hostPort);

    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.errorLines())
        .singleElement()
        .asString()
        .contains("given without a password", "REDIS_PASSWORD", "redis://:PASSWORD@host");
    assertThat((List<?>) server.call("ACL", "LOG")).as("no attempt to authenticate").isEmpty();
    assertThat(keyspace.dbSize()).isEqualTo(200);
  }

  @Test
  void databaseOutOfRangeShouldBeAConfigurationError() {
    CliRun.Result r =
        new CliRun()
            .run(
                "flush",
                "--yes",
                "--sample-window",
                "0",
                "--redis-url",
                "redis://:" + ADMIN_PASSWORD + "@" + hostPort + "/99");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.errorLines())
        .singleElement()
        .asString()
        .contains("no such database", "'databases'");
    assertThat(keyspace.dbSize()).isEqualTo(200);
  }
}
