package dev.cacheflush.flush;

import dev.cacheflush.ExitCode;

/** How a run ended; its name is the report's {@code outcome} and it fixes the exit code. */
public enum Outcome {
  COMPLETED("completed", ExitCode.DONE),
  TIMEOUT("timeout", ExitCode.DEADLINE),
  FAILED("failed", ExitCode.FAILED),
  DECLINED("declined", ExitCode.USAGE),
  INTERRUPTED("interrupted", ExitCode.INTERRUPTED),
  /** More keys matched than --max-keys allows deleting: stopped there. */
  CAP_REACHED("cap-reached", ExitCode.SAFETY),
  /** The approved plan (flush --plan) does not match: nothing was deleted. */
  REFUSED("refused", ExitCode.SAFETY);

  private final String reportName;
  private final int exitCode;

  Outcome(String reportName, int exitCode) {
    this.reportName = reportName;
    this.exitCode = exitCode;
  }

  public String reportName() {
    return reportName;
  }

  public int exitCode() {
    return exitCode;
  }
}
