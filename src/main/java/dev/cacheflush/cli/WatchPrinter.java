package dev.cacheflush.cli;

import dev.cacheflush.report.WatchReport;
import dev.cacheflush.report.WatchText;
import java.io.PrintWriter;
import java.util.function.Consumer;

/** Prints each watch interval as it ends, under a header printed once. */
final class WatchPrinter implements Consumer<WatchReport.Interval> {
  private final PrintWriter out;
  private final boolean db;
  private boolean headed;

  /** @param out where the lines go, or null to print nothing */
  WatchPrinter(PrintWriter out, boolean db) {
    this.out = out;
    this.db = db;
  }

  @Override
  public void accept(WatchReport.Interval interval) {
    if (out == null) {
      return;
    }
    if (!headed) {
      out.println(WatchText.header(db));
      headed = true;
    }
    out.println(WatchText.line(interval, db));
    out.flush();
  }
}
