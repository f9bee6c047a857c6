package dev.cacheflush.audit;

import dev.cacheflush.config.ConfigException;
import dev.cacheflush.report.ReportFile;
import java.nio.file.Path;

/**
 * The path given to {@code --audit}, and the one its partial audit takes, both judged before the
 * run connects (exit 2 for a path that cannot take them), with {@link ReportFile}'s rules, and one
 * more: only a regular file, or a new one, is accepted. An audit is written to a temporary file
 * beside it and renamed into place when the flush completed, or to the partial path when it did
 * not; a FIFO or a device (or a link to one) cannot be renamed onto, and writing straight into it
 * would leave a reader unable to tell a whole audit from a cut one by its name.
 *
 * @param path where a complete audit goes
 * @param partial where an audit of a flush that did not complete goes: {@code NAME.partial.gz}
 *     for {@code NAME.gz}, otherwise {@code NAME.partial}
 */
public record AuditFile(Path path, Path partial) {
  static final String OPTION = "--audit";

  public static AuditFile check(Path path) {
    Path partial = partialOf(path);
    regular(path, "the audit");
    regular(partial, "the partial audit");
    return new AuditFile(path, partial);
  }

  static Path partialOf(Path path) {
    String name = path.getFileName().toString();
    return path.resolveSibling(
        name.endsWith(".gz")
            ? name.substring(0, name.length() - 3) + ".partial.gz"
            : name + ".partial");
  }

  private static void regular(Path path, String what) {
    if (ReportFile.check(path, what, OPTION).writtenStraight()) {
      throw new ConfigException(
          "Cannot write "
              + what
              + " to "
              + path
              + ": it is a FIFO, a device or a link, and an audit is written to a temporary file "
              + "and renamed into place, which needs a regular file; give "
              + OPTION
              + " a file path and copy the file from there");
    }
  }
}
