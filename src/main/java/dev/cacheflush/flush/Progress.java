package dev.cacheflush.flush;

/** Told after every scanned page, so a terminal can show how far the run is. */
@FunctionalInterface
public interface Progress {
  Progress NONE = (tally, totalKeys) -> {};

  /**
   * @param totalKeys the keys the target held when the run started (DBSIZE summed over primaries)
   */
  void update(Tally tally, long totalKeys);

  /** The run is over: a progress line ends its line. */
  default void done() {}
}
