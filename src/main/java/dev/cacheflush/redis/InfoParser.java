package dev.cacheflush.redis;

import java.util.LinkedHashMap;
import java.util.Map;

/** Turns the text of INFO into field/value pairs; section headers and blank lines are skipped. */
public final class InfoParser {
  private InfoParser() {}

  public static Map<String, String> parse(String info) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : info.split("\r?\n", -1)) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    return fields;
  }
}
