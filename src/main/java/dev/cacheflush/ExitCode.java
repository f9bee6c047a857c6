package dev.cacheflush;

/** The exit codes users and CI pipelines gate on; documented in README.md. */
public final class ExitCode {
  public static final int DONE = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int DEADLINE = 3;
  public static final int SAFETY = 4;
  public static final int LOCKED = 5;
  public static final int INTERRUPTED = 130;

  private ExitCode() {}
}
