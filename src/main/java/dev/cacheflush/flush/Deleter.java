package dev.cacheflush.flush;

/**
 * Where keys that should go are sent. The dry run and the real flush share everything up to here;
 * only the deleter differs. A deleter never loses a key it was given: a batch that failed is kept
 * until {@link #retryFailed()} sends it again.
 */
public interface Deleter {
  /** Takes one key that matched flush pattern {@code pattern} and no preserve pattern. */
  void delete(int pattern, byte[] key) throws InterruptedException;

  /** Sends what is still buffered and waits until every deletion sent has been answered. */
  void finish() throws InterruptedException;

  /** Waits for the answers of what is in flight and sends nothing more: the run is stopping. */
  void settle() throws InterruptedException;

  /** The last failure, while some batch failed and has not been sent again; null otherwise. */
  Throwable failure();

  /** Sends the failed batches again (after a reconnect) and waits for their answers. */
  void retryFailed() throws InterruptedException;
}
