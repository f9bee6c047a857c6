package dev.cacheflush.flush;

import static dev.cacheflush.support.Keyspace.bytes;
import static dev.cacheflush.support.StoryKeys.PRESERVE_ARGS;
import static dev.cacheflush.support.StoryKeys.PRESERVE_PREFIXES;
import static dev.cacheflush.support.StoryKeys.concat;
import static dev.cacheflush.support.StoryKeys.startsWithAny;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import dev.cacheflush.support.StoryKeys;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core promise against a real server: on a keyspace with all seven of the story's families,
 * keys that match both lists, and keys that are not UTF-8, the flush deletes exactly the keys
 * that should go and not one that should stay, and the dry run deletes nothing and counts right.
 */
class FlushIT {
  static final Map<String, Integer> FAMILIES = new LinkedHashMap<>();

  static {
    FAMILIES.put("mocs", 20_000);
    FAMILIES.put("gallery", 15_000);
    FAMILIES.put("wishlist", 10_000);
    FAMILIES.put("albums", 5_000);
    FAMILIES.put("sessions", 20_000);
    FAMILIES.put("ratelimit", 15_000);
    FAMILIES.put("user-profiles", 15_000);
    FAMILIES.put("mocs:keep", 100);
    FAMILIES.put("mocsx", 50);
    FAMILIES.put("Mocs", 50);
    FAMILIES.put("xgallery", 50);
    FAMILIES.put("other", 1_000);
  }

  static RedisServer server;
  static Keyspace keyspace;
  static List<byte[]> keys;

  @TempDir Path dir;

  @BeforeAll
  static void startServer() {
    server = RedisServers.standalone();
    keyspace = new Keyspace(server.url());
    keys = new ArrayList<>(Keyspace.families(FAMILIES));
    for (int i = 0; i < 200; i++) {
      keys.add(concat(bytes("mocs:"), new byte[] {(byte) 0xff, (byte) 0xfe, (byte) i}));
      keys.add(concat(bytes("sessions:"), new byte[] {(byte) 0xc3, 0x28, (byte) i}));
      keys.add(concat(new byte[] {(byte) 0xff}, bytes("other:" + i)));
      keys.add(bytes("gallery:[" + i + "]*?\\"));
    }
  }

  @AfterAll
  static void stopServer() {
    keyspace.close();
    server.close();
  }

  @BeforeEach
  void fill() {
    keyspace.connection().sync().flushall();
    keyspace.write(keys);
    assertThat(keyspace.dbSize()).isEqualTo(keys.size());
  }

  @Test
  void planShouldCountEveryFamilyAndDeleteNothing() throws Exception {
    CliRun.Result result = new CliRun().run(args("plan", "--format", "json"));

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(result.out());
    assertThat(report.get("dryRun").asBoolean()).isTrue();
    assertThat(report.get("keysScanned").asLong()).isEqualTo(keys.size());
    assertThat(report.get("keysMatched").asLong()).isEqualTo(expectedDeleted().size());
    assertThat(report.get("keysDeleted").asLong()).isZero();
    assertThat(report.get("keysPreserved").asLong()).isEqualTo(countPreserved());
    assertThat(report.get("conflicts").get("count").asLong()).isEqualTo(100);
    assertThat(report.get("patterns").get(0).get("matched").asLong()).isEqualTo(20_000 + 200);
    assertThat(report.get("patterns").get(1).get("matched").asLong()).isEqualTo(15_000 + 200);
    assertThat(report.get("patterns").get(2).get("matched").asLong()).isEqualTo(10_000);
    assertThat(report.get("patterns").get(3).get("matched").asLong()).isEqualTo(5_000);
    for (JsonNode pattern : report.get("patterns")) {
      String prefix = pattern.get("pattern").asText().replace("*", "");
      assertThat(pattern.get("samples"))
          .hasSize(10)
          .allSatisfy(
              sample ->
                  assertThat(sample.asText()).startsWith(prefix).doesNotStartWith("mocs:keep:"));
    }
    assertThat(keyspace.dbSize()).isEqualTo(keys.size());
  }

  @Test
  void dryRunFromTheEnvironmentShouldDeleteNothing() {
    CliRun.Result result = new CliRun().env("DRY_RUN", "true").run(args("flush"));

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("DRY RUN").contains("would delete");
    assertThat(keyspace.dbSize()).isEqualTo(keys.size());
  }

  @Test
  void flushShouldDeleteExactlyTheFlushableKeysAndNoPreservedKey() throws Exception {
    Path report = dir.resolve("flush.json");
    CliRun.Result result = new CliRun().run(args("flush", "--yes", "--report", report.toString()));

    assertThat(result.exitCode()).as(result.err()).isZero();
    Set<ByteBuffer> expectedRemaining = all();
    expectedRemaining.removeAll(expectedDeleted());
    assertThat(keyspace.allKeys()).isEqualTo(expectedRemaining);

    JsonNode json = new ObjectMapper().readTree(Files.readString(report));
    assertThat(json.get("outcome").asText()).isEqualTo("completed");
    assertThat(json.get("exitCode").asInt()).isZero();
    assertThat(json.get("keysDeleted").asLong()).isEqualTo(expectedDeleted().size());
    assertThat(json.get("keysMatched").asLong()).isEqualTo(expectedDeleted().size());
    long perPattern = 0;
    for (JsonNode p : json.get("patterns")) {
      assertThat(p.get("deleted").asLong()).isEqualTo(p.get("matched").asLong());
      perPattern += p.get("deleted").asLong();
    }
    assertThat(perPattern).isEqualTo(expectedDeleted().size());
  }

  @Test
  void tinyPagesAndBatchesShouldStillDeleteExactly() {
    CliRun.Result result =
        new CliRun()
            .run(
                args(
                    "flush",
                    "--yes",
                    "--scan-count",
                    "7",
                    "--batch-size",
                    "3",
                    "--max-in-flight",
                    "2"));

    assertThat(result.exitCode()).as(result.err()).isZero();
    Set<ByteBuffer> expectedRemaining = all();
    expectedRemaining.removeAll(expectedDeleted());
    assertThat(keyspace.allKeys()).isEqualTo(expectedRemaining);
  }

  @Test
  void interactiveFlushShouldDeleteOnlyAfterAnExplicitYes() {
    CliRun.Result declined = new CliRun().withTerminal("no").run(args("flush"));

    assertThat(declined.exitCode()).isEqualTo(2);
    assertThat(declined.err())
        .contains("About to DELETE")
        .contains(server.url())
        .contains("Type 'yes'");
    assertThat(keyspace.dbSize()).isEqualTo(keys.size());

    CliRun.Result confirmed = new CliRun().withTerminal("yes").run(args("flush"));

    assertThat(confirmed.exitCode()).as(confirmed.err()).isZero();
    assertThat(keyspace.dbSize()).isEqualTo(keys.size() - expectedDeleted().size());
  }

  @Test
  void rateCapShouldHoldTheFlushBack() throws Exception {
    long started = System.nanoTime();
    CliRun.Result result =
        new CliRun()
            .run(args("flush", "--yes", "--no-verify", "--max-rate", "20000", "--format", "json"));
    double seconds = (System.nanoTime() - started) / 1e9;

    assertThat(result.exitCode()).as(result.err()).isZero();
    long deleted = new ObjectMapper().readTree(result.out()).get("keysDeleted").asLong();
    assertThat(deleted).isEqualTo(expectedDeleted().size());
    // 50,400 keys at 20,000 keys/s cannot take less than the cap allows (the first batch is free).
    assertThat(seconds).isGreaterThan((deleted - 500) / 20_000.0);
  }

  @Test
  void colourShouldBeUsedOnlyAtATerminalWithoutNoColor() {
    assertThat(new CliRun().withTerminal().run(args("plan")).out()).contains("\u001b[32mcompleted");
    assertThat(new CliRun().withTerminal().env("NO_COLOR", "1").run(args("plan")).out())
        .doesNotContain("\u001b[");
    assertThat(new CliRun().run(args("plan")).out()).doesNotContain("\u001b[");
  }

  @Test
  void patternsShouldComeFromFileThenEnvironmentThenFlags() throws Exception {
    Files.writeString(
        dir.resolve("cacheflush.yml"), "flush:\n  - 'gallery:*'\npreserve:\n  - 'sessions:*'\n");
    CliRun run = new CliRun().in(dir).env("REDIS_URL", server.url());

    assertThat(patternsOf(run.run("plan", "--format", "json"))).containsExactly("gallery:*");
    run.env("FLUSH_PATTERNS", "wishlist:*,albums:*");
    assertThat(patternsOf(run.run("plan", "--format", "json")))
        .containsExactly("wishlist:*", "albums:*");
    assertThat(patternsOf(run.run("plan", "--format", "json", "--flush", "mocs:*")))
        .containsExactly("mocs:*");

    CliRun.Result flush = run.run("flush", "--yes", "--sample-window", "0");
    assertThat(flush.exitCode()).as(flush.err()).isZero();
    assertThat(keyspace.exists(bytes("albums:1"))).isFalse();
    assertThat(keyspace.exists(bytes("mocs:1"))).isTrue();
    assertThat(keyspace.exists(bytes("gallery:1"))).isTrue();
  }

  private static List<String> patternsOf(CliRun.Result result) throws Exception {
    assertThat(result.exitCode()).as(result.err()).isZero();
    List<String> patterns = new ArrayList<>();
    new ObjectMapper()
        .readTree(result.out())
        .get("patterns")
        .forEach(p -> patterns.add(p.get("pattern").asText()));
    return patterns;
  }

  private static String[] args(String command, String... more) {
    List<String> all = new ArrayList<>(List.of(command, "--redis-url", server.url()));
    if (command.equals("flush")) {
      // No client reads this cache, so the hit-rate windows around a flush would only add their
      // time.
      all.addAll(List.of("--sample-window", "0"));
    }
    all.addAll(PRESERVE_ARGS);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static Set<ByteBuffer> expectedDeleted() {
    Set<ByteBuffer> deleted = new HashSet<>();
    for (byte[] key : keys) {
      if (StoryKeys.shouldGo(key)) {
        deleted.add(ByteBuffer.wrap(key));
      }
    }
    return deleted;
  }

  private static long countPreserved() {
    return keys.stream().filter(k -> startsWithAny(k, PRESERVE_PREFIXES)).count();
  }

  private static Set<ByteBuffer> all() {
    Set<ByteBuffer> all = new HashSet<>();
    keys.forEach(k -> all.add(ByteBuffer.wrap(k)));
    return all;
  }
}
