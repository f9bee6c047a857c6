package dev.cacheflush.flush;

/**
 * Where keys that should go are sent. The dry run and the real flush share everything up to here;
 * only the deleter differs.
 */
public interface Deleter {
  /** Takes one key that matched flush pattern {@code pattern} and no preserve pattern. */
  void delete(int pattern, byte[] key);

  /** Sends what is still buffered and waits until every deletion sent has been answered. */
  void finish();
}
