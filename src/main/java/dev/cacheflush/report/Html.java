package dev.cacheflush.report;

/**
 * Escaping for text placed in HTML and SVG, in element content and in quoted attributes alike.
 * Keys, patterns and messages come from the cache and the user, so every one of them goes through
 * here: a key named {@code <script>} must show as text, not run.
 */
final class Html {
  private Html() {}

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
