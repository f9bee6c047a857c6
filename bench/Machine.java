package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the output says about the machine the figures came from. */
final class Machine {
  private Machine() {}

  static String loadAvg() {
    try {
      String[] f = read("/proc/loadavg").trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  static String read(String path) throws IOException {
    return Files.readString(Path.of(path));
  }

  static String cpuModel() {
    try {
      for (String l : read("/proc/cpuinfo").split("\n")) {
        if (l.startsWith("model name")) {
          return l.substring(l.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "?";
  }

  static String memTotal() {
    try {
      for (String l : read("/proc/meminfo").split("\n")) {
        if (l.startsWith("MemTotal:")) {
          long kb = Long.parseLong(l.replaceAll("\\D", ""));
          return String.format(Locale.ROOT, "%.1f GiB", kb / 1048576.0);
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "?";
  }
}
