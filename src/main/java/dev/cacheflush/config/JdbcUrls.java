package dev.cacheflush.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides what a JDBC URL may carry as a secret, for every place that prints one: a password in the
 * user-info part ({@code jdbc:mysql://user:pw@host}) and any parameter whose name says secret
 * ({@code ?password=}, {@code ;password=}, MySQL's {@code (host=h,password=p)} form).
 */
public final class JdbcUrls {
  private static final String MASK = "****";
  private static final Pattern USER_INFO = Pattern.compile("(//[^/@?:]*:)([^@/?]*)(@)");
  private static final Pattern SECRET_PARAMETER =
      Pattern.compile(
          "(?i)([?&;,(]\\s*[\\w.-]*(?:password|passwd|pwd|secret|token)[\\w.-]*\\s*=)([^&;,)]*)");

  private JdbcUrls() {}

  public static String mask(String url) {
    if (url == null) {
      return null;
    }
    String masked = USER_INFO.matcher(url).replaceAll("$1" + MASK + "$3");
    return SECRET_PARAMETER.matcher(masked).replaceAll("$1" + MASK);
  }

  /** The secret values written in the URL itself, so that they can be scrubbed wherever they turn up. */
  public static List<String> secrets(String url) {
    List<String> found = new ArrayList<>();
    for (Pattern p : List.of(USER_INFO, SECRET_PARAMETER)) {
      Matcher m = p.matcher(url);
      while (m.find()) {
        if (!m.group(2).isEmpty()) {
          found.add(m.group(2));
        }
      }
    }
    return found;
  }

  /**
   * A driver's message with every known secret replaced: drivers quote URLs and options back in
   * their errors, and some quote what they were given verbatim.
   */
  public static String scrub(String message, List<String> secrets) {
    if (message == null) {
      return null;
    }
    String out = message;
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        out = out.replace(secret, MASK);
      }
    }
    return mask(out);
  }
}
