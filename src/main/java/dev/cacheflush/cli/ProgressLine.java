package dev.cacheflush.cli;

import dev.cacheflush.flush.Progress;
import dev.cacheflush.flush.Tally;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * One line on the terminal, redrawn a few times a second: keys scanned of the total, deleted (or,
 * in a dry run, matched), the rate and the time left. Kept under 80 columns for keyspaces of
 * millions, because a line that wraps can no longer be redrawn in place. The last state is drawn
 * when the run ends, so the line left on the screen is the truth, not a frame from the middle.
 */
final class ProgressLine implements Progress {
  private static final long REDRAW_NANOS = 200_000_000L;

  private final PrintWriter err;
  private final boolean dryRun;
  private final LongSupplier nanos;
  private long firstNanos = -1;
  private long firstScanned;
  private long lastDrawn;
  private int lastWidth;
  private boolean cleared;
  private Tally tally;
  private long total;

  ProgressLine(PrintWriter err, boolean dryRun) {
    this(err, dryRun, System::nanoTime);
  }

  ProgressLine(PrintWriter err, boolean dryRun, LongSupplier nanos) {
    this.err = err;
    this.dryRun = dryRun;
    this.nanos = nanos;
  }

  @Override
  public synchronized void update(Tally tally, long totalKeys) {
    long now = nanos.getAsLong();
    this.tally = tally;
    this.total = totalKeys;
    if (firstNanos < 0) {
      // The rate counts from the first page, not from start-up: connecting, and a person reading
      // the confirmation prompt, are not scanning.
      firstNanos = now;
      firstScanned = tally.scanned();
      return;
    }
    if (cleared || now - lastDrawn >= REDRAW_NANOS) {
      draw(now);
    }
  }

  @Override
  public synchronized void done() {
    Logging.progressEnded(this);
    if (tally != null) {
      draw(nanos.getAsLong());
      err.println();
      err.flush();
      lastWidth = 0;
    }
  }

  /**
   * Blanks the line and returns the cursor to its start, for a log line to be written there; the
   * next update draws the line again. Returns what to write, empty when nothing is drawn.
   */
  synchronized String clear() {
    if (lastWidth == 0) {
      return "";
    }
    String blank = "\r" + " ".repeat(lastWidth) + "\r";
    lastWidth = 0;
    cleared = true;
    return blank;
  }

  private synchronized void draw(long now) {
    lastDrawn = now;
    cleared = false;
    Logging.progressShowing(this);
    String line = render(tally.scanned(), total, dryRun ? tally.matched() : tally.deleted(), now);
    // Spaces over what is left of a longer line before, so no digits of it remain.
    err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
    err.flush();
    lastWidth = line.length();
  }

  String render(long scanned, long totalKeys, long done, long now) {
    double seconds = (now - firstNanos) / 1e9;
    double rate = seconds > 0.05 ? (scanned - firstScanned) / seconds : 0;
    long percent = totalKeys == 0 ? 100 : Math.min(100, scanned * 100 / totalKeys);
    String left =
        rate > 0 && scanned < totalKeys
            ? ", " + duration((totalKeys - scanned) / rate) + " left"
            : "";
    return String.format(
        Locale.ROOT,
        "%3d%% %,d/%,d keys, %s %,d, %s keys/s%s",
        percent,
        scanned,
        totalKeys,
        dryRun ? "matched" : "deleted",
        done,
        rate > 0 ? String.format(Locale.ROOT, "%,.0f", rate) : "-",
        left);
  }

  static String duration(double seconds) {
    long s = (long) Math.ceil(seconds);
    return s < 60
        ? s + "s"
        : s < 3600
            ? (s / 60) + "m" + String.format(Locale.ROOT, "%02ds", s % 60)
            : (s / 3600) + "h" + String.format(Locale.ROOT, "%02dm", s % 3600 / 60);
  }
}
