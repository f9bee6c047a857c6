package dev.cacheflush.report;

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
    StringBuilder sb = new StringBuilder(bytes + 8);
    for (int i = 0; i < bytes; i++) {
      int c = key[i] & 0xff;
      if (c == '\\') {
        sb.append("\\\\");
      } else if (c == '"') {
        sb.append("\\\"");
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    return sb.toString();
  }
}
