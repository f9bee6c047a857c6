package dev.cacheflush.report;

/**
 * Renders a key for people the way redis-cli does: printable ASCII as is, everything else as
 * {@code \xNN}, so that a key that is not valid UTF-8 is shown exactly and unambiguously.
 */
public final class KeyText {
  private KeyText() {}

  public static String render(byte[] key) {
    StringBuilder sb = new StringBuilder(key.length + 8);
    for (byte b : key) {
      int c = b & 0xff;
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
