package dev.cacheflush.report;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * A file a run writes a report to, judged before the run starts so that a path that cannot take
 * the report is refused (exit 2) before any key is deleted.
 *
 * <p>A regular file, or a new one, is written whole or not at all: a temporary file beside it,
 * then a rename, so a CI step or a browser never reads half a report. Anything else that already
 * exists is never replaced by the rename: a FIFO, a character device (a terminal, a null device),
 * or a symbolic link ({@code /dev/stdout}, {@code /dev/fd/63} from a shell's {@code >(cat)}) is
 * written straight into, as the shell's {@code >} would. A directory, a block device, a socket or
 * a link to nothing is refused.
 */
public final class ReportFile {
  // File types from st_mode, as the JDK's "unix" attribute view gives them.
  private static final int TYPE_MASK = 0170000;
  private static final int BLOCK_DEVICE = 0060000;
  private static final int SOCKET = 0140000;

  private final Path file;
  private final String what;
  private final boolean straight;

  private ReportFile(Path file, String what, boolean straight) {
    this.file = file;
    this.what = what;
    this.straight = straight;
  }

  /**
   * Checks that {@code file} can take the report, creating its missing parent directories.
   *
   * @param what names the file in messages, e.g. "the report"
   * @param option the option that named it, for the advice in the error
   */
  public static ReportFile check(Path file, String what, String option) {
    String refused = "Cannot write " + what + " to " + file + ": ";
    String advice = "; choose a writable file path for " + option;
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      if (Files.isSymbolicLink(file)) {
        throw new ConfigException(refused + "it is a link to nothing" + advice);
      }
      return regular(file, what, refused, advice);
    } catch (IOException e) {
      throw new ConfigException(refused + reason(e) + advice, e);
    }
    if (attributes.isDirectory()) {
      throw new ConfigException(refused + "it is a directory" + advice);
    }
    if (attributes.isRegularFile() && !Files.isSymbolicLink(file)) {
      if (!Files.isWritable(file)) {
        throw new ConfigException(refused + "the file is not writable" + advice);
      }
      return regular(file, what, refused, advice);
    }
    int type = type(file);
    if (type == BLOCK_DEVICE || type == SOCKET) {
      throw new ConfigException(
          refused
              + (type == SOCKET
                  ? "it is a socket"
                  : "it is a block device, which a report " + "would overwrite")
              + advice);
    }
    if (!Files.isWritable(file)) {
      throw new ConfigException(refused + "it is not writable" + advice);
    }
    return new ReportFile(file, what, true);
  }

  /** A regular file or a new one: proven by creating (and removing) a temporary file beside it. */
  private static ReportFile regular(Path file, String what, String refused, String advice) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Files.delete(Files.createTempFile(dir, file.getFileName().toString(), ".tmp"));
    } catch (IOException | SecurityException e) {
      throw new ConfigException(refused + reason(e) + advice, e);
    }
    return new ReportFile(file, what, false);
  }

  /** The st_mode file type, or 0 where the platform does not say (then the file is written straight into). */
  private static int type(Path file) {
    try {
      return ((Integer) Files.getAttribute(file, "unix:mode")) & TYPE_MASK;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return 0;
    }
  }

  /** Writes {@code content}; throws a {@link CacheflushException} (exit 1) saying why it could not. */
  public void write(String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    try {
      if (straight) {
        // No CREATE: what was checked is what is written; a FIFO waits here for its reader, as with
        // the shell's >.
        try (OutputStream out =
            Files.newOutputStream(
                file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          out.write(bytes);
        }
        return;
      }
      Path absolute = file.toAbsolutePath();
      Path tmp =
          Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".tmp");
      try {
        Files.write(tmp, bytes);
        Files.move(
            tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new CacheflushException(
          ExitCode.FAILED, "Cannot write " + what + " to " + file + ": " + reason(e), e);
    }
  }

  private static String reason(Exception e) {
    if (e instanceof NoSuchFileException missing) {
      return "no such file or directory " + missing.getFile();
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason().toLowerCase(Locale.ROOT)
          + (fs.getFile() == null ? "" : " (" + fs.getFile() + ")");
    }
    return String.valueOf(e.getMessage());
  }

  /** True for a FIFO, a device or a link, written straight into; false for a file replaced by a rename. */
  public boolean writtenStraight() {
    return straight;
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
