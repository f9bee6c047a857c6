package dev.cacheflush.report;

import java.util.Locale;

/** The human summary printed at the end of a run. */
public final class TextReport {
  private static final String GREEN = "\u001b[32m";
  private static final String YELLOW = "\u001b[33m";
  private static final String RED = "\u001b[31m";
  private static final String BOLD = "\u001b[1m";
  private static final String RESET = "\u001b[0m";

  /** The columns of the terminal the summary must fit. */
  static final int WIDTH = 80;

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
    if (r.outcome().equals("declined") || r.outcome().equals("refused") || r.mode() == null) {
      return nothingDone(r);
    }
    StringBuilder out = new StringBuilder();
    out.append(r.dryRun() ? paint(BOLD + YELLOW, "DRY RUN: nothing was deleted") + "\n" : "");
    out.append("Target    ")
        .append(r.target())
        .append(r.mode() == null ? "" : " (" + r.mode() + ")")
        .append('\n');
    if (r.plan() != null) {
      out.append(wrap("Plan      ", r.plan().path() + " (" + r.plan().digest() + ")"));
    }
    out.append("Scanned   ")
        .append(n(r.keysScanned()))
        .append(" of ")
        .append(keys(r.dbSize()))
        .append(" in ")
        .append(seconds(r.durationMs()))
        .append('\n');
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

    out.append(
        wrap(
            "\nPreserved ",
            keys(r.keysPreserved()) + " matching " + String.join(", ", r.preservePatterns())));
    if (r.conflicts().count() > 0) {
      out.append("  ")
          .append(
              paint(
                  YELLOW,
                  n(r.conflicts().count())
                      + " of them also match a flush pattern and were kept (preserve wins):"))
          .append('\n');
      r.conflicts()
          .samples()
          .forEach(
              c ->
                  out.append("    ")
                      .append(c.key())
                      .append("  (")
                      .append(c.flushPattern())
                      .append(" and ")
                      .append(c.preservePattern())
                      .append(")\n"));
    }
    out.append("Untouched ").append(keys(r.keysUntouched())).append(" matching no pattern\n");

    for (FlushReport.Recovery recovery : r.recoveries()) {
      out.append(
          wrap(
              "Recovered ",
              recovery.node()
                  + ": "
                  + recovery.cause()
                  + (recovery.scanRestarted()
                      ? "; the scan started again (counts include keys seen twice)"
                      : "; the scan went on from its cursor")));
    }
    FlushReport.Verification v = r.verification();
    if (v != null) {
      out.append(
          wrap(
              "\nVerified  ",
              (v.complete() ? "" : "(cut short by the deadline) ")
                  + keys(v.keysScanned())
                  + " scanned again: "
                  + n(v.keysStillMatching())
                  + " match a flush pattern"
                  + (v.keysStillMatching() == 0
                      ? ""
                      : " (re-created by live traffic, or written during the flush)")));
      v.samples().forEach(k -> out.append("  ").append(k).append('\n'));
      out.append("          preserved keys before ")
          .append(n(v.preservedBefore()))
          .append(", after ")
          .append(n(v.preservedAfter()))
          .append('\n');
    }
    FlushReport.DeadlineEstimate e = r.deadlineEstimate();
    if (e != null) {
      out.append(
          wrap(
              "\nEstimate  ",
              "a real flush of this keyspace takes about "
                  + seconds(e.estimatedFlushMs())
                  + " (scan rate "
                  + n(e.scanKeysPerSecond())
                  + " keys/s); "
                  + (e.fitsTimeout()
                      ? "the timeout of " + seconds(e.timeoutMs()) + " is enough"
                      : "")));
      if (!e.fitsTimeout()) {
        out.append(
            wrap(
                "          ",
                paint(
                    RED,
                    "WARNING: that is more than the timeout of "
                        + seconds(e.timeoutMs())
                        + ": raise --timeout")));
      }
    }
    out.append(PacingText.render(r));
    String observed = ObservationText.render(r);
    if (!observed.isEmpty()) {
      out.append('\n').append(observed);
    }
    FlushReport.Audit a = r.audit();
    if (a != null && a.path() != null) {
      out.append(
          wrap(
              "\nAudit     ",
              keys(a.keys())
                  + " listed in "
                  + a.path()
                  + (a.complete() ? "" : " (partial: the deletion did not complete)")));
    }
    String outcome =
        r.outcome()
            + " (exit "
            + r.exitCode()
            + ")"
            + (r.message() == null ? "" : ": " + r.message());
    out.append(
        wrap(
            "\nOutcome   ",
            paint(r.exitCode() == 0 ? GREEN : r.exitCode() == 1 ? RED : YELLOW, outcome)));
    return out.toString();
  }

  /**
   * A run that never got to the keys (declined at the prompt, or Redis refused it at connecting) has
   * no counts worth a table: a table of zeros reads at a glance as if the preserved keys were lost.
   * The reason is the {@code cacheflush:} line on stderr.
   */
  private String nothingDone(FlushReport r) {
    String what =
        r.outcome().equals("declined")
            ? "Declined"
            : r.outcome().equals("refused")
                ? "Refused by the plan " + r.plan().path()
                : "Not connected (" + r.outcome() + ")";
    return paint(
            r.exitCode() == 1 ? RED : YELLOW,
            what + ": nothing was deleted (exit " + r.exitCode() + ")")
        + "\n";
  }

  static String keys(long count) {
    return n(count) + (count == 1 ? " key" : " keys");
  }

  /**
   * A labelled line broken at spaces to fit 80 columns, each further line indented under the first
   * one's text; a line that wraps on a terminal breaks the summary's columns.
   */
  static String wrap(String label, String text) {
    String lead = label.startsWith("\n") ? label.substring(1) : label;
    String indent = " ".repeat(lead.length());
    StringBuilder out = new StringBuilder(label);
    int column = lead.length();
    boolean first = true;
    for (String word : text.split(" ", -1)) {
      int width = visible(word);
      if (!first && column + 1 + width > WIDTH) {
        out.append('\n').append(indent);
        column = indent.length();
      } else if (!first) {
        out.append(' ');
        column++;
      }
      out.append(word);
      column += width;
      first = false;
    }
    return out.append('\n').toString();
  }

  /** Columns a word takes on the screen: its ANSI colour codes take none. */
  private static int visible(String word) {
    return word.replaceAll("\u001b\\[[0-9;]*m", "").length();
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
    String rule =
        String.format(Locale.ROOT, row, "-".repeat(width), "-".repeat(12), "-".repeat(12));
    out.append(
            paint(
                BOLD, String.format(Locale.ROOT, row, "pattern", first, "deleted").stripTrailing()))
        .append('\n');
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
    String rule =
        String.format(
            Locale.ROOT, row, "-".repeat(width), "-".repeat(12), "-".repeat(12), "-".repeat(12));
    out.append('\n')
        .append(
            paint(
                BOLD,
                String.format(
                        Locale.ROOT,
                        row,
                        "shard",
                        "scanned",
                        r.dryRun() ? "would delete" : "matched",
                        "deleted")
                    .stripTrailing()))
        .append('\n');
    out.append(rule);
    for (FlushReport.Shard s : r.shards()) {
      out.append(
          String.format(
              Locale.ROOT, row, s.address(), n(s.scanned()), n(s.matched()), n(s.deleted())));
    }
  }

  static String n(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
