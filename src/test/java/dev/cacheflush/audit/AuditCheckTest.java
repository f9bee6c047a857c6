package dev.cacheflush.audit;

import static dev.cacheflush.audit.AuditWriterTest.T0;
import static dev.cacheflush.audit.AuditWriterTest.bytes;
import static dev.cacheflush.audit.AuditWriterTest.header;
import static dev.cacheflush.audit.AuditWriterTest.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.glob.RedisGlob;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What audit-check decides on audits as the flush writes them, and on audits edited, cut or not audits at all. */
class AuditCheckTest {
  @TempDir Path dir;

  /** Three mocs keys on one shard, a gallery key on another: a clean, complete audit. */
  Path audit(boolean complete) {
    AuditFile file = AuditFile.check(dir.resolve("audit.gz"));
    AuditWriter writer = new AuditWriter(file);
    writer.open(header());
    writer.deleted(
        "10.0.0.5:6379",
        new int[] {0},
        new byte[][][] {{bytes("mocs:1"), bytes("mocs:2"), bytes("mocs:\n3")}},
        () -> {});
    writer.deleted("10.0.0.6:6379", new int[] {1}, new byte[][][] {{bytes("gallery:1")}}, () -> {});
    writer.close(complete, complete ? "completed" : "timeout", 4, T0);
    return complete ? file.path() : file.partial();
  }

  /** The audit's lines, edited, compressed again: what someone who tampers with it would make. */
  Path rewritten(Path audit, java.util.function.UnaryOperator<List<String>> edit)
      throws IOException {
    List<String> lines = edit.apply(new ArrayList<>(lines(audit)));
    Path out = Files.createTempFile(dir, "edited", ".gz");
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(out))) {
      gz.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void aCompleteAuditOfNoPreservedKeyShouldBeCleanAndCountedPerPatternAndShard() {
    AuditCheck.Result r = AuditCheck.check(audit(true), List.of());

    assertThat(r.exitCode()).isEqualTo(ExitCode.DONE);
    assertThat(r.problems()).isEmpty();
    assertThat(r.complete()).isTrue();
    assertThat(r.keys()).isEqualTo(4);
    assertThat(r.perPattern()).containsExactly(Map.entry("mocs:*", 3L), Map.entry("gallery:*", 1L));
    assertThat(r.perShard())
        .containsExactly(Map.entry("10.0.0.5:6379", 3L), Map.entry("10.0.0.6:6379", 1L));
  }

  @Test
  void aPartialAuditShouldSayItIsNotComplete() {
    AuditCheck.Result r = AuditCheck.check(audit(false), List.of());

    assertThat(r.exitCode()).isEqualTo(ExitCode.DONE);
    assertThat(r.complete()).isFalse();
    assertThat(r.truncated()).isFalse();
    assertThat(r.trailer().outcome()).isEqualTo("timeout");
  }

  @Test
  void aListedKeyThatMatchesAPreservePatternShouldExitFourNamingItsLine() throws IOException {
    Path edited =
        rewritten(
            audit(true),
            lines -> {
              lines.set(2, "sessions:42\tmocs:*\t10.0.0.5:6379");
              return lines;
            });

    AuditCheck.Result r = AuditCheck.check(edited, List.of());

    assertThat(r.exitCode()).isEqualTo(ExitCode.SAFETY);
    assertThat(r.preservedKeys()).isEqualTo(1);
    assertThat(r.problems())
        .containsExactly(
            "line 3: key sessions:42 is listed under flush pattern 'mocs:*', which it does not match",
            "line 3: key sessions:42 matches preserve pattern 'sessions:*' (the audit's)");
  }

  @Test
  void theCurrentSettingsPreservePatternsShouldBeCheckedToo() {
    AuditCheck.Result r = AuditCheck.check(audit(true), List.of(RedisGlob.compile("gallery:?")));

    assertThat(r.exitCode()).isEqualTo(ExitCode.SAFETY);
    assertThat(r.problems())
        .containsExactly(
            "line 5: key gallery:1 matches preserve pattern 'gallery:?' (the current settings')");
  }

  @Test
  void aLineAddedAfterTheFlushShouldShowInTheTrailersCount() throws IOException {
    Path edited =
        rewritten(
            audit(true),
            lines -> {
              lines.add(2, "mocs:extra\tmocs:*\t10.0.0.5:6379");
              return lines;
            });

    AuditCheck.Result r = AuditCheck.check(edited, List.of());

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.problems())
        .containsExactly(
            "the trailer counts 4 key lines and the file has 5: lines were added or removed after"
                + " it was written");
  }

  @Test
  void aFileCutShortShouldBeReadToItsLastWholeLineAndSaySo() throws IOException {
    Path edited = rewritten(audit(true), lines -> lines.subList(0, 3));
    byte[] gz = Files.readAllBytes(audit(true));
    Path cut = dir.resolve("cut.gz");
    Files.write(cut, Arrays.copyOf(gz, gz.length - 12));

    AuditCheck.Result noTrailer = AuditCheck.check(edited, List.of());
    AuditCheck.Result cutGzip = AuditCheck.check(cut, List.of());

    assertThat(noTrailer.exitCode()).isEqualTo(ExitCode.DONE);
    assertThat(noTrailer.truncated()).isTrue();
    assertThat(noTrailer.complete()).isFalse();
    assertThat(noTrailer.keys()).isEqualTo(2);
    assertThat(cutGzip.truncated()).isTrue();
    assertThat(cutGzip.complete()).isFalse();
  }

  @Test
  void filesThatAreNotAuditsShouldExitTwoWithOneLine() throws IOException {
    Path plain = Files.writeString(dir.resolve("plain.gz"), "mocs:1\tmocs:*\tx\n");
    Path report = rewritten(audit(true), lines -> List.of("{\"schemaVersion\":1}"));
    Path twoColumns =
        rewritten(
            audit(true),
            lines -> {
              lines.set(1, "mocs:1\tmocs:*");
              return lines;
            });
    Path badEscape =
        rewritten(
            audit(true),
            lines -> {
              lines.set(1, "mocs:\\q\tmocs:*\tx");
              return lines;
            });
    Path afterTrailer =
        rewritten(
            audit(true),
            lines -> {
              lines.add("mocs:9\tmocs:*\tx");
              return lines;
            });

    assertUnreadable(dir.resolve("missing.gz"), "Cannot read the audit", "no such file");
    assertUnreadable(plain, "not a cacheflush audit", "not gzip-compressed");
    assertUnreadable(report, "not a cacheflush audit", "does not say format");
    assertUnreadable(twoColumns, "line 2", "three columns");
    assertUnreadable(badEscape, "line 2", "escape");
    assertUnreadable(afterTrailer, "line 6", "after the trailer");
  }

  private static void assertUnreadable(Path file, String... parts) {
    assertThatThrownBy(() -> AuditCheck.check(file, List.of()))
        .isInstanceOfSatisfying(
            CacheflushException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageNotContaining("\n")
        .satisfies(e -> assertThat(e.getMessage()).contains(parts));
  }
}
