package dev.cacheflush.audit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads an audit a line at a time, as it was written: the header, then each key line with its key
 * unescaped to the exact bytes that were deleted, then the trailer. It holds one line at a time,
 * so an audit of any number of keys is read in the memory of its longest key.
 *
 * <p>A line without a tab after the header is the trailer (JSON escapes tabs; every key line has
 * two). A file that ends before its trailer (the run was killed, or the file was cut) is read up to
 * its last whole line and said to be {@link #truncated()}. Anything else that does not read as an
 * audit throws a {@link CacheflushException} with exit 2, naming the line.
 */
public final class AuditReader implements Closeable {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The header holds the patterns; no sensible header is longer. */
  private static final int MAX_HEADER = 1 << 20;

  /** A pattern or a shard address in a key line. */
  private static final int MAX_FIELD = 64 << 10;

  private final Path path;
  private final InputStream in;
  private final byte[] buffer = new byte[64 << 10];
  private int position;
  private int limit;
  private boolean ended;
  private long line;
  private AuditHeader header;
  private AuditTrailer trailer;
  private boolean truncated;

  private byte[] key = new byte[256];
  private int keyLength;
  private final byte[] field = new byte[MAX_FIELD];
  private String pattern;
  private String shard;

  private AuditReader(Path path, InputStream in) {
    this.path = path;
    this.in = in;
  }

  /** Opens the file and reads its header; exit 2 when it cannot be read or is not an audit. */
  public static AuditReader open(Path path) {
    InputStream raw;
    try {
      raw = Files.newInputStream(path);
    } catch (NoSuchFileException e) {
      throw unreadable(path, "no such file");
    } catch (IOException e) {
      throw unreadable(path, String.valueOf(e.getMessage()));
    }
    AuditReader reader;
    try {
      reader = new AuditReader(path, new GZIPInputStream(raw, 64 << 10));
    } catch (ZipException | EOFException e) {
      close(raw);
      throw notAnAudit(path, "it is not gzip-compressed");
    } catch (IOException e) {
      close(raw);
      throw unreadable(path, String.valueOf(e.getMessage()));
    }
    try {
      reader.readHeader();
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
    return reader;
  }

  public AuditHeader header() {
    return header;
  }

  /** The trailer, once {@link #next()} has returned false; null when the file ended without one. */
  public AuditTrailer trailer() {
    return trailer;
  }

  /** Whether the file ended before its trailer, or before the end of its gzip stream. */
  public boolean truncated() {
    return truncated;
  }

  /** The number of the line last read, from 1 (the header). */
  public long line() {
    return line;
  }

  /** The current key, unescaped: the bytes that were deleted. Valid until the next {@link #next()}. */
  public byte[] key() {
    return Arrays.copyOf(key, keyLength);
  }

  /** The current key's flush pattern, as the header names it. */
  public String pattern() {
    return pattern;
  }

  /** The address of the primary the current key was scanned on. */
  public String shard() {
    return shard;
  }

  /** Reads the next key line; false at the trailer or the end of the file. */
  public boolean next() {
    if (trailer != null || truncated) {
      return false;
    }
    int b = read();
    if (b < 0) {
      truncated = true;
      return false;
    }
    line++;
    // The first field: a key, or the trailer when the line ends before a tab.
    keyLength = 0;
    boolean escaped = false;
    while (b != '\t') {
      if (b == '\n') {
        trailer(escaped);
        return false;
      }
      if (b < 0) {
        truncated = true;
        return false;
      }
      if (b == '\\') {
        escaped = true;
        b = unescape();
        if (b < 0) {
          truncated = true;
          return false;
        }
      } else if (b < 0x20 || b >= 0x7f) {
        throw malformed(
            "byte 0x" + Integer.toHexString(b) + " in a key, which is never written raw");
      }
      if (keyLength == key.length) {
        key = Arrays.copyOf(key, key.length * 2);
      }
      key[keyLength++] = (byte) b;
      b = read();
    }
    pattern = field("pattern", '\t');
    if (pattern == null) {
      return false;
    }
    shard = field("shard", '\n');
    return shard != null;
  }

  private void readHeader() {
    int length = 0;
    byte[] text = new byte[1024];
    for (int b = read(); b != '\n'; b = read()) {
      if (b < 0) {
        throw notAnAudit(path, "it ends before its header line does");
      }
      if (length == MAX_HEADER) {
        throw notAnAudit(path, "its first line is not an audit's header");
      }
      if (length == text.length) {
        text = Arrays.copyOf(text, text.length * 2);
      }
      text[length++] = (byte) b;
    }
    line = 1;
    try {
      header = JSON.readValue(text, 0, length, AuditHeader.class);
    } catch (IOException e) {
      throw notAnAudit(path, "its first line is not an audit's header");
    }
    if (!AuditHeader.FORMAT.equals(header.format())) {
      throw notAnAudit(path, "its header does not say format \"" + AuditHeader.FORMAT + "\"");
    }
    if (header.formatVersion() != AuditHeader.FORMAT_VERSION) {
      throw notAnAudit(
          path,
          "it is of format version "
              + header.formatVersion()
              + ", which this cacheflush does not read (it reads "
              + AuditHeader.FORMAT_VERSION
              + "); use the cacheflush that wrote it");
    }
    if (header.flushPatterns() == null || header.preservePatterns() == null) {
      throw notAnAudit(path, "its header lacks the flush or preserve patterns");
    }
  }

  /** The trailer, whose JSON holds no backslash: so the bytes read as a key are its text. */
  private void trailer(boolean escaped) {
    try {
      if (escaped) {
        throw new IOException("escaped");
      }
      trailer = JSON.readValue(key, 0, keyLength, AuditTrailer.class);
    } catch (IOException e) {
      throw malformed("a line without the key, pattern and shard columns");
    }
    if (read() >= 0) {
      throw malformed("lines after the trailer, which ends an audit");
    }
  }

  /** The byte an escape after a backslash stands for; -1 at the end of the file. */
  private int unescape() {
    int c = read();
    if (c == '\\' || c == '"') {
      return c;
    }
    if (c == 'x') {
      int high = Character.digit(read(), 16);
      int low = Character.digit(read(), 16);
      if (high >= 0 && low >= 0) {
        return high << 4 | low;
      }
    }
    if (c < 0) {
      return -1;
    }
    throw malformed("an escape a key is never written with (\\" + (char) c + ")");
  }

  /** A pattern or shard field, unescaped; null at the end of the file. */
  private String field(String what, int end) {
    int length = 0;
    for (int b = read(); b != end; b = read()) {
      if (b < 0) {
        truncated = true;
        return null;
      }
      if (b == '\t' || b == '\n') {
        throw malformed("not the three columns key, pattern and shard");
      }
      if (b == '\\') {
        b = unescape();
        if (b < 0) {
          truncated = true;
          return null;
        }
      }
      if (length == field.length) {
        throw malformed("a " + what + " longer than " + MAX_FIELD + " bytes");
      }
      field[length++] = (byte) b;
    }
    return new String(field, 0, length, StandardCharsets.UTF_8);
  }

  /** The next byte, or -1 at the end: also at an end the gzip stream did not expect (a cut file). */
  private int read() {
    if (position == limit) {
      if (ended) {
        return -1;
      }
      try {
        limit = in.read(buffer);
      } catch (EOFException e) {
        // gzip's own end is missing: whatever the lines say, the file was cut.
        truncated = true;
        limit = -1;
      } catch (ZipException e) {
        throw malformed("the gzip data is damaged (" + e.getMessage() + ")");
      } catch (IOException e) {
        throw unreadable(path, String.valueOf(e.getMessage()));
      }
      position = 0;
      if (limit <= 0) {
        ended = true;
        limit = 0;
        return -1;
      }
    }
    return buffer[position++] & 0xff;
  }

  private CacheflushException malformed(String what) {
    return notAnAudit(path, "line " + line + " has " + what);
  }

  private static CacheflushException notAnAudit(Path path, String why) {
    return new CacheflushException(
        ExitCode.USAGE, "Cannot check " + path + ": not a cacheflush audit: " + why);
  }

  private static CacheflushException unreadable(Path path, String why) {
    return new CacheflushException(ExitCode.USAGE, "Cannot read the audit " + path + ": " + why);
  }

  @Override
  public void close() {
    close(in);
  }

  private static void close(InputStream stream) {
    try {
      stream.close();
    } catch (IOException e) {
      // Read only: nothing is lost.
    }
  }
}
