package dev.cacheflush.report;

import java.util.Locale;

/** The human summary printed at the end of a run. */
public final class TextReport {
  private static final String GREEN = "\u001b[32m";
  private static final String YELLOW = "\u001b[33m";
  private static final String RED = "\u001b[31m";
  private static final String BOLD = "\u001b[1m";
  private static final String RESET = "\u001b[0m";

  private final boolean colour;

  private TextReport(boolean colour) {
    this.colour = colour;
  }

  /** @param colour whether to use ANSI colours (a terminal that shows them, and no NO_COLOR) */
  public static String render(FlushReport r, boolean colour) {
    return new TextReport(colour).render(r);
  }

  private String paint(String code, String text) {
    return colour ? code + text + RESET : text;
  }

  private String render(FlushReport r) {
    StringBuilder out = new StringBuilder();
    out.append(r.dryRun() ? paint(BOLD + YELLOW, "DRY RUN: nothing was deleted") + "\n" : "");
    out.append("Target    ").append(r.target()).append(r.mode() == null ? "" : " (" + r.mode() + ")").append('\n');
    out.append("Scanned   ").append(n(r.keysScanned())).append(" of ").append(n(r.dbSize())).append(" keys in ")
        .append(seconds(r.durationMs())).append('\n');
    out.append('\n');

    patternTable(r, out);
    if (r.shards().size() > 1) {
      shardTable(r, out);
    }

    if (r.dryRun()) {
      for (FlushReport.PatternCount p : r.patterns()) {
        if (!p.samples().isEmpty()) {
          out.append("\nSample keys for ").append(p.pattern()).append(":\n");
          p.samples().forEach(k -> out.append("  ").append(k).append('\n'));
        }
      }
    }

    out.append("\nPreserved ").append(n(r.keysPreserved())).append(" keys matching ")
        .append(String.join(", ", r.preservePatterns())).append('\n');
    if (r.conflicts().count() > 0) {
      out.append("  ").append(paint(YELLOW, n(r.conflicts().count())
          + " of them also match a flush pattern and were kept (preserve wins):")).append('\n');
      r.conflicts().samples().forEach(c -> out.append("    ").append(c.key()).append("  (").append(c.flushPattern())
          .append(" and ").append(c.preservePattern()).append(")\n"));
    }
    out.append("Untouched ").append(n(r.keysUntouched())).append(" keys matching no pattern\n");

    for (FlushReport.Recovery recovery : r.recoveries()) {
      out.append("Recovered ").append(recovery.node()).append(": ").append(recovery.cause()).append(recovery.scanRestarted()
          ? "; the scan started again (counts include keys seen twice)\n"
          : "; the scan went on from its cursor\n");
    }
    FlushReport.Verification v = r.verification();
    if (v != null) {
      out.append("\nVerified  ").append(v.complete() ? "" : "(cut short by the deadline) ").append(n(v.keysScanned()))
          .append(" keys scanned again: ").append(n(v.keysStillMatching()))
          .append(" match a flush pattern (re-created by live traffic, or written during the flush)\n");
      v.samples().forEach(k -> out.append("  ").append(k).append('\n'));
      out.append("          preserved keys before ").append(n(v.preservedBefore())).append(", after ")
          .append(n(v.preservedAfter())).append('\n');
    }
    FlushReport.DeadlineEstimate e = r.deadlineEstimate();
    if (e != null) {
      out.append("\nEstimate  a real flush of this keyspace takes about ").append(seconds(e.estimatedFlushMs()))
          .append(" (scan rate ").append(n(e.scanKeysPerSecond())).append(" keys/s); ")
          .append(e.fitsTimeout() ? "the timeout of " + seconds(e.timeoutMs()) + " is enough\n"
              : paint(RED, "WARNING: that is more than the timeout of " + seconds(e.timeoutMs()) + ": raise --timeout")
                  + "\n");
    }
    String observed = ObservationText.render(r);
    if (!observed.isEmpty()) {
      out.append('\n').append(observed);
    }
    String outcome = r.outcome() + " (exit " + r.exitCode() + ")" + (r.message() == null ? "" : ": " + r.message());
    out.append("\nOutcome   ").append(paint(r.exitCode() == 0 ? GREEN : r.exitCode() == 1 ? RED : YELLOW, outcome))
        .append('\n');
    return out.toString();
  }

  /**
   * One row per flush pattern, a rule, then the total: the counts right-aligned under their
   * headings, so that they can be compared at a glance. A dry run has nothing deleted to show.
   */
  private void patternTable(FlushReport r, StringBuilder out) {
    int width = "pattern".length();
    for (FlushReport.PatternCount p : r.patterns()) {
      width = Math.max(width, p.pattern().length());
    }
    String first = r.dryRun() ? "would delete" : "matched";
    String row = r.dryRun() ? "  %-" + width + "s  %12s%n" : "  %-" + width + "s  %12s  %12s%n";
    String rule = String.format(Locale.ROOT, row, "-".repeat(width), "-".repeat(12), "-".repeat(12));
    out.append(paint(BOLD, String.format(Locale.ROOT, row, "pattern", first, "deleted").stripTrailing())).append('\n');
    out.append(rule);
    for (FlushReport.PatternCount p : r.patterns()) {
      out.append(String.format(Locale.ROOT, row, p.pattern(), n(p.matched()), n(p.deleted())));
    }
    out.append(rule);
    out.append(String.format(Locale.ROOT, row, "total", n(r.keysMatched()), n(r.keysDeleted())));
  }

  /** Per shard, so that a shard that was never reached, or reached late, shows. */
  private void shardTable(FlushReport r, StringBuilder out) {
    int width = "shard".length();
    for (FlushReport.Shard s : r.shards()) {
      width = Math.max(width, s.address().length());
    }
    String row = "  %-" + width + "s  %12s  %12s" + (r.dryRun() ? "" : "  %12s") + "%n";
    String rule = String.format(Locale.ROOT, row, "-".repeat(width), "-".repeat(12), "-".repeat(12), "-".repeat(12));
    out.append('\n').append(paint(BOLD, String.format(Locale.ROOT, row, "shard", "scanned",
        r.dryRun() ? "would delete" : "matched", "deleted").stripTrailing())).append('\n');
    out.append(rule);
    for (FlushReport.Shard s : r.shards()) {
      out.append(String.format(Locale.ROOT, row, s.address(), n(s.scanned()), n(s.matched()), n(s.deleted())));
    }
  }

  static String n(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
