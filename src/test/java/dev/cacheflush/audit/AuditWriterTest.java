package dev.cacheflush.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.ConfigException;
import dev.cacheflush.report.FlushReport;
import dev.cacheflush.report.KeyText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit's file, written and read back: every byte of a key survives, the name says whole or partial. */
class AuditWriterTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  static AuditHeader header() {
    return AuditHeader.of(
        "redis://:****@10.0.0.5:6379",
        "standalone",
        List.of("mocs:*", "gallery:*"),
        List.of("sessions:*"),
        T0.toString(),
        null);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Every byte value, in keys of one byte and in one key of all of them. */
  static List<byte[]> everyByte() {
    List<byte[]> keys = new ArrayList<>();
    byte[] all = new byte[256 + 5];
    System.arraycopy(bytes("mocs:"), 0, all, 0, 5);
    for (int b = 0; b < 256; b++) {
      keys.add(new byte[] {'m', 'o', 'c', 's', ':', (byte) b});
      all[5 + b] = (byte) b;
    }
    keys.add(all);
    keys.add(bytes("mocs:"));
    return keys;
  }

  @Test
  void keysOfEveryByteShouldReadBackAsTheBytesThatWereDeleted() {
    AuditFile file = AuditFile.check(dir.resolve("audit.gz"));
    AuditWriter writer = new AuditWriter(file);
    writer.open(header());
    List<byte[]> keys = everyByte();
    AtomicInteger released = new AtomicInteger();
    writer.deleted(
        "10.0.0.5:6379",
        new int[] {0, 1},
        new byte[][][] {
          keys.toArray(byte[][]::new), {bytes("gallery:\t\n\"\\"), bytes("gallery:")}
        },
        released::incrementAndGet);
    FlushReport.Audit written = writer.close(true, "completed", 10, T0.plusSeconds(5));

    assertThat(released).hasValue(1);
    assertThat(written)
        .isEqualTo(new FlushReport.Audit(file.path().toString(), keys.size() + 2, true));
    assertThat(file.partial()).doesNotExist();
    try (AuditReader reader = AuditReader.open(file.path())) {
      assertThat(reader.header()).isEqualTo(header());
      List<ByteBuffer> read = new ArrayList<>();
      List<String> patterns = new ArrayList<>();
      while (reader.next()) {
        read.add(ByteBuffer.wrap(reader.key()));
        patterns.add(reader.pattern());
        assertThat(reader.shard()).isEqualTo("10.0.0.5:6379");
      }
      List<ByteBuffer> expected = new ArrayList<>(keys.stream().map(ByteBuffer::wrap).toList());
      expected.add(ByteBuffer.wrap(bytes("gallery:\t\n\"\\")));
      expected.add(ByteBuffer.wrap(bytes("gallery:")));
      assertThat(read).containsExactlyElementsOf(expected);
      assertThat(patterns).containsOnly("mocs:*", "gallery:*").endsWith("gallery:*", "gallery:*");
      assertThat(reader.truncated()).isFalse();
      assertThat(reader.trailer())
          .isEqualTo(
              new AuditTrailer(
                  true, "completed", keys.size() + 2, 10, T0.plusSeconds(5).toString()));
    }
  }

  @Test
  void eachKeyLineShouldShowItsKeyAsTheReportsSamplesDoTabSeparated() throws IOException {
    AuditFile file = AuditFile.check(dir.resolve("audit.gz"));
    AuditWriter writer = new AuditWriter(file);
    writer.open(header());
    byte[] key = bytes("mocs:new\nline\ttab\"quote\\slash\u00e9");
    writer.deleted("10.0.0.5:6379", new int[] {0}, new byte[][][] {{key}}, () -> {});
    writer.close(true, "completed", 1, T0);

    List<String> lines = lines(file.path());
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("{\"format\":\"cacheflush-audit\",\"formatVersion\":1,");
    assertThat(lines.get(0)).contains("\"planDigest\":null").doesNotContain("\t");
    assertThat(lines.get(1))
        .isEqualTo(KeyText.render(key) + "\tmocs:*\t10.0.0.5:6379")
        .isEqualTo("mocs:new\\x0aline\\x09tab\\\"quote\\\\slash\\xc3\\xa9\tmocs:*\t10.0.0.5:6379");
    assertThat(lines.get(2)).startsWith("{\"complete\":true,").doesNotContain("\t");
  }

  @Test
  void aFlushThatDidNotCompleteShouldLeaveThePartialAuditBesideTheNameAndSaySo() throws Exception {
    AuditFile file = AuditFile.check(dir.resolve("audit.gz"));
    AuditWriter writer = new AuditWriter(file);
    writer.open(header());
    writer.deleted("10.0.0.5:6379", new int[] {0}, new byte[][][] {{bytes("mocs:1")}}, () -> {});
    FlushReport.Audit written = writer.close(false, "interrupted", 1, T0);

    assertThat(file.partial()).isEqualTo(dir.resolve("audit.partial.gz")).exists();
    assertThat(file.path()).doesNotExist();
    assertThat(written).isEqualTo(new FlushReport.Audit(file.partial().toString(), 1, false));
    try (AuditReader reader = AuditReader.open(file.partial())) {
      assertThat(reader.next()).isTrue();
      assertThat(reader.next()).isFalse();
      assertThat(reader.trailer().complete()).isFalse();
      assertThat(reader.trailer().outcome()).isEqualTo("interrupted");
    }
    try (var files = Files.list(dir)) {
      assertThat(files).as("no temporary file left").hasSize(1);
    }
  }

  @Test
  void aPartialOfANameWithoutGzShouldAddPartial() {
    assertThat(AuditFile.check(dir.resolve("keys.audit")).partial())
        .isEqualTo(dir.resolve("keys.audit.partial"));
  }

  @Test
  void anAuditNeverOpenedShouldWriteNothingAndSayNoFile() {
    AuditFile file = AuditFile.check(dir.resolve("audit.gz"));
    AuditWriter writer = new AuditWriter(file);
    AtomicInteger released = new AtomicInteger();
    writer.deleted(
        "x", new int[] {0}, new byte[][][] {{bytes("mocs:1")}}, released::incrementAndGet);

    assertThat(writer.close(false, "declined", 0, T0))
        .isEqualTo(new FlushReport.Audit(null, 0, false));
    assertThat(released).hasValue(1);
    assertThat(file.path()).doesNotExist();
    assertThat(file.partial()).doesNotExist();
  }

  @Test
  void keysAcknowledgedAfterTheCloseShouldBeReleasedNotWritten() {
    AuditFile file = AuditFile.check(dir.resolve("audit.gz"));
    AuditWriter writer = new AuditWriter(file);
    writer.open(header());
    writer.close(false, "timeout", 0, T0);
    AtomicInteger released = new AtomicInteger();
    writer.deleted(
        "x", new int[] {0}, new byte[][][] {{bytes("mocs:1")}}, released::incrementAndGet);

    assertThat(released).hasValue(1);
  }

  @Test
  void aDirectoryOrAFifoShouldBeRefusedAsAnAuditPath() throws Exception {
    Files.createDirectory(dir.resolve("adir"));
    assertThatThrownBy(() -> AuditFile.check(dir.resolve("adir")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("it is a directory");
    Path fifo = dir.resolve("fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    assertThatThrownBy(() -> AuditFile.check(fifo))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("FIFO")
        .hasMessageContaining("--audit");
    Files.createDirectory(dir.resolve("audit.partial.gz"));
    assertThatThrownBy(() -> AuditFile.check(dir.resolve("audit.gz")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("the partial audit")
        .hasMessageContaining("directory");
    assertThat(dir.resolve("audit.gz")).doesNotExist();
  }

  @Test
  void aDirectoryThatVanishedBeforeTheFlushShouldFailTheOpenWithExitOne() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    AuditFile file = AuditFile.check(sub.resolve("audit.gz"));
    Files.delete(sub);

    assertThatThrownBy(() -> new AuditWriter(file).open(header()))
        .isInstanceOfSatisfying(
            CacheflushException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.FAILED))
        .hasMessageContaining("nothing was deleted");
  }

  static List<String> lines(Path gz) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
    }
  }
}
