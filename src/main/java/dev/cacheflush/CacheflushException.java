package dev.cacheflush;

/**
 * A failure the user can act on: its message is the one line printed, its exit code the documented
 * one. Anything else that escapes is a bug and is reported as such.
 */
public class CacheflushException extends RuntimeException {
  private final int exitCode;

  public CacheflushException(int exitCode, String message) {
    this(exitCode, message, null);
  }

  public CacheflushException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
