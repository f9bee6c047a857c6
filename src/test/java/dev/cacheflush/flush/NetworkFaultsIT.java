package dev.cacheflush.flush;

import static dev.cacheflush.support.Keyspace.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.FaultProxy;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import dev.cacheflush.support.TlsClientAuth;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on the wire, through a TCP proxy between the tool and a real server: connections reset
 * again and again, a stalled network, latency past the deadline, a TLS port spoken to in plain text.
 */
class NetworkFaultsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Integer> FAMILIES = new LinkedHashMap<>();

  static {
    FAMILIES.put("mocs", 15_000);
    FAMILIES.put("gallery", 15_000);
    FAMILIES.put("sessions", 10_000);
    FAMILIES.put("ratelimit", 10_000);
  }

  @TempDir Path dir;

  @Test
  void connectionsCutRepeatedlyShouldNotStopTheFlushNorCostAPreservedKey() throws Exception {
    try (RedisServer server = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(server.url());
        FaultProxy proxy = FaultProxy.to(server)) {
      keyspace.write(Keyspace.families(FAMILIES));
      Set<ByteBuffer> preserved = keysStartingWith(keyspace, "sessions:", "ratelimit:");
      // Cut by the work done, not by the clock: a flush fast enough to end between two timed cuts
      // met fewer than three of them. The flush moves over a megabyte through its connection.
      proxy.latency(Duration.ofMillis(1)).cutAfterBytes(150_000);
      Path report = dir.resolve("report.json");

      CliRun.Result result =
          new CliRun()
              .run(
                  "flush",
                  "--yes",
                  "--sample-window",
                  "0",
                  "--redis-url",
                  proxy.url(),
                  "--report",
                  report.toString(),
                  "--scan-count",
                  "50",
                  "--batch-size",
                  "25",
                  "--max-in-flight",
                  "4",
                  "--retries",
                  "5");

      proxy.heal();
      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(proxy.resetCount()).isGreaterThan(2);
      assertThat(keyspace.allKeys()).isEqualTo(preserved);
      JsonNode json = JSON.readTree(Files.readString(report));
      assertThat(json.get("recoveries").size()).isGreaterThan(1);
      assertThat(json.get("recoveries"))
          .allSatisfy(r -> assertThat(r.get("scanRestarted").asBoolean()).isFalse());
      assertThat(json.get("keysMatched").asLong()).isEqualTo(30_000);
      assertThat(json.get("verification").get("keysStillMatching").asLong()).isZero();
    }
  }

  @Test
  void stalledNetworkShouldBeNoticedByTheCommandTimeoutAndRecovered() throws Exception {
    try (RedisServer server = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(server.url());
        FaultProxy proxy = FaultProxy.to(server)) {
      keyspace.write(Keyspace.families(FAMILIES));
      Set<ByteBuffer> preserved = keysStartingWith(keyspace, "sessions:", "ratelimit:");
      proxy.latency(Duration.ofMillis(1));
      CompletableFuture<CliRun.Result> run =
          CompletableFuture.supplyAsync(
              () ->
                  new CliRun()
                      .run(
                          "flush",
                          "--yes",
                          "--sample-window",
                          "0",
                          "--redis-url",
                          proxy.url(),
                          "--scan-count",
                          "50",
                          "--batch-size",
                          "25",
                          "--command-timeout",
                          "500ms"));
      await().atMost(Duration.ofSeconds(10)).until(() -> keyspace.dbSize() < 49_000);
      proxy.blackhole(true);
      Thread.sleep(2_000);
      proxy.blackhole(false);

      CliRun.Result result = run.get(60, TimeUnit.SECONDS);
      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.out().replaceAll("\\s+", " "))
          .contains("Recovered ")
          .contains("the scan went on from its cursor");
      assertThat(keyspace.allKeys()).isEqualTo(preserved);
    }
  }

  @Test
  void latencyPastTheTimeoutShouldExitThreeWithAPartialValidReport() throws Exception {
    try (RedisServer server = RedisServers.standalone();
        Keyspace keyspace = new Keyspace(server.url());
        FaultProxy proxy = FaultProxy.to(server)) {
      keyspace.write(Keyspace.families(FAMILIES));
      // A 30 ms round trip: four cursor chains of 100 keys a page scan at most ~13,000 keys a
      // second, so 50,000 keys take well over the 2 s deadline on any machine.
      proxy.latency(Duration.ofMillis(15));
      Path report = dir.resolve("report.json");

      CliRun.Result result =
          new CliRun()
              .run(
                  "flush",
                  "--yes",
                  "--sample-window",
                  "0",
                  "--redis-url",
                  proxy.url(),
                  "--timeout",
                  "2s",
                  "--scan-count",
                  "100",
                  "--batch-size",
                  "50",
                  "--report",
                  report.toString());

      assertThat(result.exitCode()).isEqualTo(3);
      assertThat(result.errorLines())
          .singleElement()
          .asString()
          .contains("deadline of 2s passed", "--timeout");
      JsonNode json = JSON.readTree(Files.readString(report));
      assertThat(json.get("outcome").asText()).isEqualTo("timeout");
      assertThat(json.get("exitCode").asInt()).isEqualTo(3);
      long deleted = json.get("keysDeleted").asLong();
      assertThat(deleted).isPositive().isLessThan(30_000).isEqualTo(50_000 - keyspace.dbSize());
      assertThat(json.get("keysMatched").asLong()).isGreaterThanOrEqualTo(deleted);
      // Not an upper bound: how soon after the deadline the run ends depends on the machine's load;
      // that
      // nothing was sent after it shows in keysDeleted matching what is gone from the keyspace.
      assertThat(json.get("durationMs").asLong()).isGreaterThanOrEqualTo(2_000L);
      assertThat(keyspace.exists(bytes("sessions:1"))).isTrue();
    }
  }

  @Test
  void tlsPortSpokenToInPlainTextShouldFailWithOneLine() {
    try (RedisServer tls = RedisServers.tls(TlsClientAuth.NONE)) {
      CliRun.Result result =
          new CliRun()
              .run(
                  "plan",
                  "--redis-url",
                  "redis://127.0.0.1:" + tls.port(),
                  "--retries",
                  "0",
                  "--command-timeout",
                  "1s");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.errorLines())
          .singleElement()
          .asString()
          .contains("Cannot connect to Redis at", "does it need TLS (rediss://)?");
      assertThat(result.err()).doesNotContain("Exception");
    }
  }

  private static Set<ByteBuffer> keysStartingWith(Keyspace keyspace, String... prefixes) {
    Set<ByteBuffer> keys = keyspace.allKeys();
    keys.removeIf(
        k -> {
          String key = new String(k.array());
          for (String p : prefixes) {
            if (key.startsWith(p)) {
              return false;
            }
          }
          return true;
        });
    return keys;
  }
}
