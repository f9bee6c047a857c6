package dev.cacheflush.flush;

import static dev.cacheflush.support.Keyspace.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --max-keys, the blast-radius cap without a plan (issue 16): a flush deletes no more, a dry run says so. */
class MaxKeysIT {
  static RedisServer server;
  static Keyspace keyspace;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    server = RedisServers.standalone();
    keyspace = new Keyspace(server.url());
  }

  @AfterAll
  static void stop() {
    keyspace.close();
    server.close();
  }

  @BeforeEach
  void fill() {
    keyspace.connection().sync().flushall();
    keyspace.write(Keyspace.families(Map.of("mocs", 300, "sessions", 200)));
  }

  @Test
  void flushNeedingMoreThanTheCapShouldStopAtItWithExitFourAndAReport() throws Exception {
    Path report = dir.resolve("flush.json");
    CliRun.Result r =
        new CliRun()
            .run(
                "flush",
                "--yes",
                "--sample-window",
                "0",
                "--redis-url",
                server.url(),
                "--max-keys",
                "100",
                "--report",
                report.toString());

    assertThat(r.exitCode()).as(r.err()).isEqualTo(4);
    assertThat(r.errorLines()).singleElement().asString().contains("--max-keys cap of 100");
    JsonNode json = new ObjectMapper().readTree(Files.readString(report));
    assertThat(json.get("outcome").asText()).isEqualTo("cap-reached");
    assertThat(json.get("exitCode").asInt()).isEqualTo(4);
    assertThat(json.get("keysDeleted").asLong()).isEqualTo(100);
    assertThat(keyspace.dbSize()).isEqualTo(400);
    assertThat(keyspace.exists(bytes("sessions:1"))).isTrue();
  }

  @Test
  void flushWithinTheCapShouldComplete() {
    CliRun.Result r =
        new CliRun()
            .run(
                "flush",
                "--yes",
                "--sample-window",
                "0",
                "--redis-url",
                server.url(),
                "--max-keys",
                "300");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(keyspace.dbSize()).isEqualTo(200);
  }

  @Test
  void dryRunShouldSayWhetherTheCapWouldBeReached() throws Exception {
    Files.writeString(dir.resolve("cacheflush.yml"), "maxKeys: 250\n");
    CliRun.Result r =
        new CliRun().in(dir).run("plan", "--redis-url", server.url(), "--format", "json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(new ObjectMapper().readTree(r.out()).get("message").asText())
        .isEqualTo("a real flush would stop at the --max-keys cap of 250: 300 keys match");
    assertThat(keyspace.dbSize()).isEqualTo(500);
  }
}
