package dev.cacheflush.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.report.FlushReport;
import dev.cacheflush.report.KeyText;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the audit: a gzip file of a header line, one line per deleted key and a trailer line
 * (README, "The audit"), into a temporary file beside the audit's path, renamed into place at the
 * end.
 *
 * <p>The deleters' reply callbacks (Lettuce's I/O threads) only put the acknowledged keys on a
 * queue; one thread of its own escapes, compresses and writes them, so that no reply waits for the
 * disk or for gzip. The queue is bounded by the deleters: a batch's place in flight is given back
 * only once its keys are written, so the keys queued here are within the bytes and batches in
 * flight that bound memory anyway, however many keys the flush deletes.
 */
public final class AuditWriter implements AuditTrail {
  private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How often what was written is pushed through gzip to the file, so that a run killed outright
   * (SIGKILL, a lost machine) leaves its temporary file readable up to a second before.
   */
  static final long SYNC_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Bytes of lines made before they go to gzip. */
  private static final int LINE_BUFFER = 64 << 10;

  private record Entry(String shard, int[] patterns, byte[][][] groups, Runnable then) {}

  private static final Entry END = new Entry(null, null, null, () -> {});

  private final AuditFile file;
  private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>();

  /** The shards' addresses as written, made once each; used by the writing thread alone. */
  private final Map<String, byte[]> shards = new HashMap<>();

  private Path temp;
  private FileOutputStream fileOut;
  private GZIPOutputStream gzip;
  private LineBuffer lines;
  private byte[][] patterns;
  private Thread writer;
  private volatile boolean closed;
  private volatile String failure;
  private volatile long keys;
  private long lastSync;

  public AuditWriter(AuditFile file) {
    this.file = file;
  }

  @Override
  public void open(AuditHeader header) {
    Path path = file.path().toAbsolutePath();
    try {
      temp = Files.createTempFile(path.getParent(), path.getFileName() + ".", ".tmp");
      fileOut = new FileOutputStream(temp.toFile());
      gzip = new FastGzip(fileOut);
      lines = new LineBuffer(gzip);
      lines.write(json(header));
      patterns = new byte[header.flushPatterns().size()][];
      for (int i = 0; i < patterns.length; i++) {
        patterns[i] = text(header.flushPatterns().get(i).getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      abandon();
      throw new CacheflushException(
          ExitCode.FAILED,
          "Cannot write the audit to "
              + file.path()
              + ": "
              + e.getMessage()
              + "; nothing was deleted",
          e);
    }
    lastSync = System.nanoTime();
    writer = new Thread(this::writeAll, "cacheflush-audit");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void deleted(String shard, int[] patterns, byte[][][] groups, Runnable then) {
    if (writer == null || closed) {
      // Nothing to write into: not opened (a failure before the flush), or a reply that came after
      // the run stopped waiting for it.
      then.run();
      return;
    }
    queue.add(new Entry(shard, patterns, groups, then));
  }

  @Override
  public String failure() {
    return failure;
  }

  private void writeAll() {
    while (true) {
      Entry entry;
      try {
        entry = queue.take();
      } catch (InterruptedException e) {
        // Only close() ends this thread, by END, so that no queued batch is left unreleased.
        continue;
      }
      if (entry == END) {
        return;
      }
      try {
        if (failure == null) {
          write(entry);
        }
      } catch (IOException e) {
        failure = String.valueOf(e.getMessage());
        log.error("Cannot write the audit to {}: {}", temp, failure);
      } finally {
        entry.then().run();
      }
    }
  }

  private void write(Entry entry) throws IOException {
    byte[] shard =
        shards.computeIfAbsent(entry.shard(), s -> text(s.getBytes(StandardCharsets.UTF_8)));
    long written = 0;
    for (int g = 0; g < entry.groups().length; g++) {
      byte[] pattern = patterns[entry.patterns()[g]];
      for (byte[] key : entry.groups()[g]) {
        KeyText.escape(key, lines);
        lines.write('\t');
        lines.write(pattern);
        lines.write('\t');
        lines.write(shard);
        lines.write('\n');
        written++;
      }
    }
    keys += written;
    long now = System.nanoTime();
    if (now - lastSync >= SYNC_EVERY_NANOS) {
      lines.flush();
      lastSync = now;
    }
  }

  @Override
  public FlushReport.Audit close(
      boolean complete, String outcome, long keysDeleted, Instant finishedAt) {
    if (writer == null) {
      return new FlushReport.Audit(null, 0, false);
    }
    closed = true;
    queue.add(END);
    joinWriter();
    // A reply that raced the close: not written, but its batch is given back all the same.
    for (Entry late = queue.poll(); late != null; late = queue.poll()) {
      late.then().run();
    }
    Path target = complete && failure == null ? file.path() : file.partial();
    try {
      if (failure != null) {
        throw new IOException(failure);
      }
      lines.write(
          json(
              new AuditTrailer(
                  complete && failure == null, outcome, keys, keysDeleted, finishedAt.toString())));
      lines.flush();
      gzip.finish();
      fileOut.getChannel().force(true);
      fileOut.close();
      Files.move(
          temp,
          target.toAbsolutePath(),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      closeQuietly();
      log.error(
          "Cannot finish the audit: {}; the keys written before it are in {}, without a trailer",
          e.getMessage(),
          temp);
      return new FlushReport.Audit(temp.toString(), keys, false);
    }
    if (target.equals(file.path())) {
      log.info("Audit of {} deleted keys written to {}", keys, target);
    } else {
      log.warn(
          "The flush did not complete ({}): partial audit of {} deleted keys written to {}",
          outcome,
          keys,
          target);
    }
    return new FlushReport.Audit(target.toString(), keys, target.equals(file.path()));
  }

  /** Waits for the writer to empty the queue, however often this thread is asked to stop meanwhile. */
  private void joinWriter() {
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void abandon() {
    closeQuietly();
    if (temp != null) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        log.debug("Cannot remove {}", temp, e);
      }
    }
  }

  private void closeQuietly() {
    try {
      if (fileOut != null) {
        fileOut.close();
      }
    } catch (IOException e) {
      log.debug("Cannot close {}", temp, e);
    }
  }

  /** A field as a key line holds it: escaped like a key, so no tab or newline of its own splits the line. */
  private static byte[] text(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 8);
    try {
      KeyText.escape(raw, out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /** A header or trailer line: JSON escapes tabs and newlines, so it holds no tab, which no key line lacks. */
  private static byte[] json(Object line) {
    try {
      return (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * gzip at its fastest level: key lists compress almost as well at level 1 as at 6 (the default),
   * in a fraction of the time. Sync-flushable, so a flush puts everything so far in the file.
   */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, LINE_BUFFER, true);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  /** A buffer without the locks of BufferedOutputStream: keys are escaped into it a byte at a time. */
  private static final class LineBuffer extends OutputStream {
    private final OutputStream out;
    private final byte[] buffer = new byte[LINE_BUFFER];
    private int filled;

    LineBuffer(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      if (filled == buffer.length) {
        drain();
      }
      buffer[filled++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > buffer.length - filled) {
        drain();
      }
      if (len > buffer.length) {
        out.write(b, off, len);
        return;
      }
      System.arraycopy(b, off, buffer, filled, len);
      filled += len;
    }

    private void drain() throws IOException {
      out.write(buffer, 0, filled);
      filled = 0;
    }

    @Override
    public void flush() throws IOException {
      drain();
      out.flush();
    }
  }
}
