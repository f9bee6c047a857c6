package dev.cacheflush.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes the report as JSON, atomically, so a CI step never reads half a file. */
public final class JsonReport {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  public static String toJson(Object report) {
    try {
      return JSON.writeValueAsString(report);
    } catch (IOException e) {
      throw new IllegalStateException("report is not serialisable", e);
    }
  }

  public static void write(Object report, Path file) {
    try {
      Path absolute = file.toAbsolutePath();
      Path dir = absolute.getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, absolute.getFileName().toString(), ".tmp");
      Files.writeString(tmp, toJson(report) + "\n");
      Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CacheflushException(ExitCode.FAILED, "Cannot write the report to " + file + ": " + e.getMessage(), e);
    }
  }
}
