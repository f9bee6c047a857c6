package dev.cacheflush.report;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a whole file or nothing, so a CI step or a browser never reads half a report. */
final class AtomicFile {
  private AtomicFile() {}

  /** @param what names the file in the error, e.g. "the report" */
  static void write(Path file, String content, String what) {
    try {
      Path absolute = file.toAbsolutePath();
      Path dir = absolute.getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, absolute.getFileName().toString(), ".tmp");
      Files.writeString(tmp, content);
      Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CacheflushException(ExitCode.FAILED, "Cannot write " + what + " to " + file + ": " + e.getMessage(), e);
    }
  }
}
