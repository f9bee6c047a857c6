package dev.cacheflush.monitor;

/** How a watch ended; its name is the report's {@code watch.outcome}. */
public enum WatchOutcome {
  /** Ran for its time (--for, or --watch without a target). */
  OBSERVED("observed"),
  RECOVERED("recovered"),
  NOT_RECOVERED("not-recovered"),
  FAILED("failed"),
  /** Stopped by Ctrl-C or SIGTERM. */
  INTERRUPTED("interrupted");

  private final String reportName;

  WatchOutcome(String reportName) {
    this.reportName = reportName;
  }

  public String reportName() {
    return reportName;
  }
}
