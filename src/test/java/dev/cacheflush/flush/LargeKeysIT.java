package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.JarRun;
import dev.cacheflush.support.LongKeys;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key names may be up to 512 MB: what a flush holds (SCAN pages, UNLINK batches, samples, the
 * verification) is bounded in bytes, so long keys fit in the launcher's fixed heap as short ones do.
 */
class LargeKeysIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MB = 1 << 20;

  @TempDir Path dir;

  @Test
  void aFlushOfAThousandKeysOfOneMegabyteEachShouldCompleteWithinTheLaunchersHeap()
      throws Exception {
    try (RedisServer server = RedisServers.standalone()) {
      LongKeys.create(server, "mocs:", MB, 1_000);
      LongKeys.create(server, "sessions:", MB, 5);
      // Match a flush pattern and a preserve pattern: kept, and shown among the conflicts.
      LongKeys.create(server, "mocs:keep", MB, 3);
      server.call("SET", "sessions:short", "kept");
      Path report = dir.resolve("report.json");

      JarRun run =
          JarRun.startAsLauncher(
              dir,
              "flush",
              "--yes",
              "--sample-window",
              "0",
              "--timeout",
              "5m",
              "--flush",
              "mocs:*",
              "--preserve",
              "sessions:*",
              "--preserve",
              "mocs:keep*",
              "--redis-url",
              server.url(),
              "--report",
              report.toString());

      assertThat(run.waitFor(300)).as(run.err()).isZero();
      assertThat(run.err()).doesNotContain("OutOfMemoryError").doesNotContain("heap space");
      assertThat(server.callString("DBSIZE")).isEqualTo("9");
      assertThat(server.callString("GET", "sessions:short")).isEqualTo("kept");
      assertThat(server.callString("EXISTS", LongKeys.name("sessions:", MB, 4))).isEqualTo("1");
      JsonNode json = JSON.readTree(Files.readString(report));
      assertThat(json.get("outcome").asText()).isEqualTo("completed");
      assertThat(json.get("keysDeleted").asLong()).isEqualTo(1_000);
      assertThat(json.get("conflicts").get("count").asLong()).isEqualTo(3);
      assertThat(json.get("verification").get("keysStillMatching").asLong()).isZero();
      // Ten samples of 1 MB keys, each cut to its start and its length.
      JsonNode samples = json.get("patterns").get(0).get("samples");
      assertThat(samples).hasSize(Tally.SAMPLES);
      assertThat(samples.get(0).asText()).startsWith("mocs:").endsWith("x… (1,048,576 bytes)");
      JsonNode conflicts = json.get("conflicts").get("samples");
      assertThat(conflicts).hasSize(3);
      assertThat(conflicts.get(0).get("key").asText())
          .startsWith("mocs:keep")
          .endsWith("x… (1,048,576 bytes)");
      assertThat(Files.size(report)).isLessThan(64 * 1024);
    }
  }
}
