package dev.cacheflush.audit;

import static dev.cacheflush.support.Keyspace.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.flush.StopSignal;
import dev.cacheflush.report.KeyText;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.ClusterKeyspace;
import dev.cacheflush.support.JarRun;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.LongKeys;
import dev.cacheflush.support.RedisCluster;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * flush --audit and audit-check on real servers (issue 16): the audit lists exactly the keys the
 * server lost, whole or partial; audit-check passes it, and catches a preserved key written into it.
 */
class AuditIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MB = 1 << 20;

  static RedisServer server;
  static Keyspace keyspace;

  @TempDir Path dir;

  /** Keys whose names a line-based file could break: newline, tab, quote, backslash, bytes not UTF-8. */
  static final List<byte[]> AWKWARD =
      List.of(
          bytes("mocs:new\nline"),
          bytes("mocs:tab\there"),
          bytes("mocs:\"quoted\" \\ slash"),
          new byte[] {'g', 'a', 'l', 'l', 'e', 'r', 'y', ':', (byte) 0xff, 0, (byte) 0x80, '\r'},
          bytes("albums:"));

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
    keyspace.write(
        Keyspace.families(
            Map.of(
                "mocs",
                2_000,
                "gallery",
                500,
                "albums",
                300,
                "sessions",
                400,
                "ratelimit",
                100,
                "other",
                100)));
    keyspace.write(AWKWARD);
  }

  /** The keys an audit lists, each once per line, and the shard of each. */
  record Listed(List<ByteBuffer> keys, Map<ByteBuffer, String> shards, AuditReader reader) {}

  static Listed listed(Path audit) {
    List<ByteBuffer> keys = new ArrayList<>();
    Map<ByteBuffer, String> shards = new HashMap<>();
    try (AuditReader reader = AuditReader.open(audit)) {
      while (reader.next()) {
        ByteBuffer key = ByteBuffer.wrap(reader.key());
        keys.add(key);
        shards.put(key, reader.shard());
      }
      return new Listed(keys, shards, reader);
    }
  }

  static Set<ByteBuffer> gone(Set<ByteBuffer> before, Set<ByteBuffer> after) {
    Set<ByteBuffer> gone = new HashSet<>(before);
    gone.removeAll(after);
    return gone;
  }

  @Test
  void theAuditShouldListExactlyTheKeysTheServerLostAndAuditCheckShouldPassIt() throws Exception {
    Set<ByteBuffer> before = keyspace.allKeys();
    Path audit = dir.resolve("audits/stage-1.gz");
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
                "--audit",
                audit.toString(),
                "--report",
                report.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    Set<ByteBuffer> gone = gone(before, keyspace.allKeys());
    assertThat(gone).hasSize(2_000 + 500 + 300 + AWKWARD.size());
    Listed listed = listed(audit);
    assertThat(new HashSet<>(listed.keys())).isEqualTo(gone);
    JsonNode json = JSON.readTree(Files.readString(report));
    assertThat(listed.keys()).hasSize(json.get("keysMatched").asInt());
    assertThat(listed.shards().values()).containsOnly(server.address());
    assertThat(json.get("audit").get("path").asText()).isEqualTo(audit.toString());
    assertThat(json.get("audit").get("keys").asLong()).isEqualTo(listed.keys().size());
    assertThat(json.get("audit").get("complete").asBoolean()).isTrue();
    AuditReader reader = listed.reader();
    assertThat(reader.header().target()).isEqualTo(json.get("target").asText());
    assertThat(reader.header().startedAt()).isEqualTo(json.get("startedAt").asText());
    assertThat(reader.header().flushPatterns())
        .containsExactly("mocs:*", "gallery:*", "wishlist:*", "albums:*");
    assertThat(reader.trailer().complete()).isTrue();
    assertThat(reader.trailer().keysDeleted()).isEqualTo(json.get("keysDeleted").asLong());
    // The awkward keys, each on one line, shown as the report's samples show keys.
    List<String> lines = lines(audit);
    for (byte[] key : AWKWARD) {
      assertThat(lines).anyMatch(l -> l.startsWith(KeyText.render(key) + "\t"));
    }
    assertThat(lines).contains("mocs:new\\x0aline\tmocs:*\t" + server.address());
    assertThat(lines).contains("gallery:\\xff\\x00\\x80\\x0d\tgallery:*\t" + server.address());

    CliRun.Result check = new CliRun().run("audit-check", audit.toString());
    assertThat(check.exitCode()).as(check.err()).isZero();
    assertThat(check.out())
        .contains("Complete:  yes")
        .containsPattern("mocs:\\*\\s+2,003")
        .containsPattern("gallery:\\*\\s+501")
        .containsPattern(server.address().replace(".", "\\.") + "\\s+2,805")
        .contains("Clean:");
  }

  @Test
  void anAuditWithAPreservedKeyWrittenIntoItShouldFailTheCheckWithExitFour() throws Exception {
    Path audit = dir.resolve("audit.gz");
    new CliRun()
        .run(
            "flush",
            "--yes",
            "--sample-window",
            "0",
            "--redis-url",
            server.url(),
            "--audit",
            audit.toString());
    List<String> lines = new ArrayList<>(lines(audit));
    // Same line count, so the trailer's count does not give it away: only the key does.
    lines.set(7, "sessions:17\tmocs:*\t" + server.address());
    Path tampered = dir.resolve("tampered.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tampered))) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    CliRun.Result check = new CliRun().run("audit-check", tampered.toString());
    CliRun.Result current =
        new CliRun().run("audit-check", audit.toString(), "--preserve", "gallery:*");

    assertThat(check.exitCode()).as(check.err()).isEqualTo(4);
    assertThat(check.errorLines())
        .contains(
            "cacheflush: line 8: key sessions:17 matches preserve pattern 'sessions:*' (the audit's)");
    assertThat(check.out()).contains("NOT CLEAN");
    assertThat(current.exitCode()).as(current.err()).isEqualTo(4);
    assertThat(current.errorLines())
        .hasSize(21)
        .allMatch(l -> l.startsWith("cacheflush: "))
        .last()
        .isEqualTo("cacheflush: and 481 more problems like these");
  }

  @Test
  void aFileThatIsNotAnAuditShouldExitTwoWithOneLine() throws IOException {
    Path report = dir.resolve("flush.json");
    new CliRun().run("plan", "--redis-url", server.url(), "--report", report.toString());

    CliRun.Result r = new CliRun().run("audit-check", report.toString());
    CliRun.Result missing = new CliRun().run("audit-check", dir.resolve("none.gz").toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.errorLines())
        .containsExactly(
            "cacheflush: Cannot check "
                + report
                + ": not a cacheflush audit: it is not gzip-compressed");
    assertThat(r.out()).isEmpty();
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.errorLines()).singleElement().asString().contains("no such file");
  }

  @Test
  void aStoppedFlushShouldKeepAPartialAuditOfExactlyWhatWasDeleted() throws Exception {
    Set<ByteBuffer> before = keyspace.allKeys();
    Path audit = dir.resolve("audit.gz");
    Path report = dir.resolve("flush.json");
    StopSignal stop = new StopSignal();
    // Paced to 400 keys a second, 2,805 keys last seven seconds: the stop comes once some are gone.
    CompletableFuture<Void> stopper =
        CompletableFuture.runAsync(
            () -> {
              try (Keyspace watcher = new Keyspace(server.url())) {
                while (watcher.dbSize() > before.size() - 200) {
                  Thread.sleep(20);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              stop.request();
            });

    CliRun.Result r =
        new CliRun()
            .withStopSignal(stop)
            .run(
                "flush",
                "--yes",
                "--sample-window",
                "0",
                "--redis-url",
                server.url(),
                "--max-rate",
                "400",
                "--audit",
                audit.toString(),
                "--report",
                report.toString());
    stopper.join();

    assertThat(r.exitCode()).as(r.err()).isEqualTo(130);
    assertThat(audit).doesNotExist();
    Path partial = dir.resolve("audit.partial.gz");
    Listed listed = listed(partial);
    Set<ByteBuffer> gone = gone(before, keyspace.allKeys());
    assertThat(gone).hasSizeGreaterThanOrEqualTo(200).hasSizeLessThan(2_805);
    assertThat(new HashSet<>(listed.keys())).isEqualTo(gone);
    assertThat(listed.reader().trailer().complete()).isFalse();
    assertThat(listed.reader().trailer().outcome()).isEqualTo("interrupted");
    JsonNode json = JSON.readTree(Files.readString(report));
    assertThat(json.get("audit").get("path").asText()).isEqualTo(partial.toString());
    assertThat(json.get("audit").get("complete").asBoolean()).isFalse();
    assertThat(json.get("audit").get("keys").asLong()).isEqualTo(listed.keys().size());

    CliRun.Result check = new CliRun().run("audit-check", partial.toString());
    assertThat(check.exitCode()).as(check.err()).isZero();
    assertThat(check.out()).contains("Complete:  no: partial, the deletion ended as 'interrupted'");
  }

  @Test
  void anAuditPathThatCannotTakeTheAuditShouldBeRefusedBeforeAnythingIsDeleted() throws Exception {
    Path fifo = dir.resolve("fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Files.createDirectory(dir.resolve("adir"));
    long keys = keyspace.dbSize();

    for (String[] refused :
        List.of(
            new String[] {"--audit", fifo.toString()},
            new String[] {"--audit", dir.resolve("adir").toString()},
            new String[] {"--audit", "/proc/audit.gz"},
            new String[] {"--audit", "same.json", "--report", "same.json"})) {
      List<String> args =
          new ArrayList<>(
              List.of("flush", "--yes", "--sample-window", "0", "--redis-url", server.url()));
      args.addAll(List.of(refused));
      CliRun.Result r = new CliRun().in(dir).run(args.toArray(String[]::new));

      assertThat(r.exitCode()).as(String.join(" ", refused) + ": " + r.err()).isEqualTo(2);
      assertThat(r.errorLines()).as(r.err()).singleElement().asString().contains("--audit");
      assertThat(keyspace.dbSize()).isEqualTo(keys);
    }
  }

  @Test
  void aDryRunWithAnAuditShouldWriteNone() {
    CliRun.Result r =
        new CliRun()
            .in(dir)
            .run("flush", "--dry-run", "--redis-url", server.url(), "--audit", "audit.gz");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(dir.resolve("audit.gz")).doesNotExist();
    assertThat(dir.resolve("audit.partial.gz")).doesNotExist();
  }

  @Test
  void aClusterFlushShouldListEachKeyUnderThePrimaryItWasDeletedOn() throws Exception {
    try (RedisCluster cluster = RedisServers.cluster(3, 0)) {
      ClusterKeyspace cks = new ClusterKeyspace(cluster);
      cks.write(Keyspace.families(Map.of("mocs", 1_500, "wishlist", 500, "sessions", 500)));
      cks.write(AWKWARD);
      Set<ByteBuffer> before = cks.allKeys();
      Path audit = dir.resolve("cluster.gz");

      CliRun.Result r =
          new CliRun()
              .run(
                  "flush",
                  "--yes",
                  "--sample-window",
                  "0",
                  "--redis-url",
                  cluster.seedUrl(),
                  "--audit",
                  audit.toString());

      assertThat(r.exitCode()).as(r.err()).isZero();
      Set<ByteBuffer> gone = gone(before, cks.allKeys());
      assertThat(gone).hasSize(1_500 + 500 + AWKWARD.size());
      Listed listed = listed(audit);
      assertThat(new HashSet<>(listed.keys())).isEqualTo(gone);
      assertThat(listed.reader().header().mode()).isEqualTo("cluster");
      listed
          .shards()
          .forEach(
              (key, shard) ->
                  assertThat(shard)
                      .isEqualTo(
                          cluster.primaryForSlot(RedisCluster.slotOf(key.array())).address()));
      assertThat(new HashSet<>(listed.shards().values())).hasSize(3);
    }
  }

  /**
   * The audit keeps each batch's keys until they are written, within the deleters' bounds: keys of 1
   * MB each, which would fill the heap if they queued past those bounds, flush with the launcher's
   * fixed heap, and the audit lists every one of them whole.
   */
  @Test
  void anAuditOfKeysOfAMegabyteEachShouldCompleteWithinTheLaunchersHeap() throws Exception {
    keyspace.connection().sync().flushall();
    LongKeys.create(server, "mocs:", MB, 300);
    keyspace.write(Keyspace.families(Map.of("gallery", 20_000, "sessions", 10)));
    Path audit = dir.resolve("audit.gz");
    Path report = dir.resolve("flush.json");

    JarRun run =
        JarRun.startAsLauncher(
            dir,
            "flush",
            "--yes",
            "--sample-window",
            "0",
            "--timeout",
            "5m",
            "--redis-url",
            server.url(),
            "--audit",
            audit.toString(),
            "--report",
            report.toString());

    assertThat(run.waitFor(300)).as(run.err()).isZero();
    assertThat(run.err()).doesNotContain("OutOfMemoryError").doesNotContain("heap space");
    assertThat(keyspace.dbSize()).isEqualTo(10);
    // SCAN may return a key twice while the server resizes its table: such a key is sent, and
    // listed, twice, as keysMatched counts it twice.
    long matched = JSON.readTree(Files.readString(report)).get("keysMatched").asLong();
    assertThat(run.err()).contains("Audit of " + matched + " deleted keys written to " + audit);
    Listed listed = listed(audit);
    assertThat(listed.keys()).hasSize((int) matched);
    Set<ByteBuffer> distinct = new HashSet<>(listed.keys());
    assertThat(distinct).hasSize(20_300);
    assertThat(distinct.stream().filter(k -> k.remaining() == MB)).hasSize(300);
    assertThat(listed.reader().trailer().complete()).isTrue();
  }

  @Test
  void aFlushStoppedAtItsCapShouldSayOnStderrThatItsAuditIsPartial() throws Exception {
    Path audit = dir.resolve("audit.gz");

    JarRun run =
        JarRun.start(
            dir,
            "flush",
            "--yes",
            "--sample-window",
            "0",
            "--redis-url",
            server.url(),
            "--max-keys",
            "100",
            "--audit",
            audit.toString());

    assertThat(run.waitFor(120)).as(run.err()).isEqualTo(4);
    assertThat(run.err())
        .contains(
            "The flush did not complete (cap-reached): partial audit of 100 deleted keys written to "
                + dir.resolve("audit.partial.gz"));
    assertThat(listed(dir.resolve("audit.partial.gz")).keys()).hasSize(100);
  }

  static List<String> lines(Path gz) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
    }
  }
}
