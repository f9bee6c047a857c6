package dev.cacheflush.cli;

import dev.cacheflush.flush.Progress;
import dev.cacheflush.flush.Tally;
import java.io.PrintWriter;
import java.util.Locale;

/** One line on the terminal, redrawn a few times a second: scanned of total, deleted, rate, time left. */
final class ProgressLine implements Progress {
  private static final long REDRAW_NANOS = 200_000_000L;

  private final PrintWriter err;
  private final long started = System.nanoTime();
  private long lastDrawn;
  private boolean drawn;

  ProgressLine(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void update(Tally tally, long totalKeys) {
    long now = System.nanoTime();
    if (now - lastDrawn < REDRAW_NANOS) {
      return;
    }
    lastDrawn = now;
    double seconds = Math.max((now - started) / 1e9, 1e-3);
    long scanned = tally.scanned();
    double rate = scanned / seconds;
    long left = rate > 0 ? (long) Math.ceil(Math.max(0, totalKeys - scanned) / rate) : 0;
    err.printf(Locale.ROOT, "\rscanned %,d of %,d keys (%d%%), matched %,d, deleted %,d, %,.0f keys/s, about %d s left   ",
        scanned, totalKeys, totalKeys == 0 ? 100 : Math.min(100, scanned * 100 / totalKeys), tally.matched(),
        tally.deleted(), rate, left);
    err.flush();
    drawn = true;
  }

  @Override
  public void done() {
    if (drawn) {
      err.println();
    }
  }
}
