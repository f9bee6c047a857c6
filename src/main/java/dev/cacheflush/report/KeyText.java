package dev.cacheflush.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Renders a key for people the way redis-cli does: printable ASCII as is, everything else as
 * {@code \xNN}, so that a key that is not valid UTF-8 is shown exactly and unambiguously.
 */
public final class KeyText {
  /**
   * The bytes of a key a sample shows: a key name may be up to 512 MB, and a report keeps tens of
   * samples; a longer key is cut there and says how long it is.
   */
  public static final int SAMPLE_BYTES = 256;

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private KeyText() {}

  public static String render(byte[] key) {
    return render(key, key.length);
  }

  /** The key as a sample: its first {@link #SAMPLE_BYTES} bytes, then how many bytes it has in all. */
  public static String sample(byte[] key) {
    if (key.length <= SAMPLE_BYTES) {
      return render(key);
    }
    // The mark is not ASCII, so no rendered key can contain it: a cut key is never mistaken for a
    // whole one.
    return render(key, SAMPLE_BYTES) + String.format(Locale.ROOT, "… (%,d bytes)", key.length);
  }

  private static String render(byte[] key, int bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes + 8);
    try {
      escape(key, bytes, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  /**
   * Writes the whole key as {@link #render} shows it, in ASCII, without making a String of it: the
   * audit lists keys of any length whole, and a String of a 512 MB key would take 2 GB.
   */
  public static void escape(byte[] key, OutputStream out) throws IOException {
    escape(key, key.length, out);
  }

  private static void escape(byte[] key, int bytes, OutputStream out) throws IOException {
    for (int i = 0; i < bytes; i++) {
      int c = key[i] & 0xff;
      if (c == '\\' || c == '"') {
        out.write('\\');
        out.write(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out.write(c);
      } else {
        out.write('\\');
        out.write('x');
        out.write(HEX[c >> 4]);
        out.write(HEX[c & 0xf]);
      }
    }
  }
}
