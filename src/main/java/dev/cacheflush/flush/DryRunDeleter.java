package dev.cacheflush.flush;

/** Deletes nothing: the dry run counts what the real run would send here. */
public final class DryRunDeleter implements Deleter {
  @Override
  public void delete(int pattern, byte[] key) {}

  @Override
  public void finish() {}

  @Override
  public void settle() {}

  @Override
  public Throwable failure() {
    return null;
  }

  @Override
  public void retryFailed() {}
}
