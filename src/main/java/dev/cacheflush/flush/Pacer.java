package dev.cacheflush.flush;

/**
 * A signal that sets how fast the flush may delete right now, beside the fixed cap of --max-rate:
 * the {@link Throttle} holds each batch to the lowest rate its pacers allow, and asks again while
 * a batch waits, so a rate that rises lets the batch go sooner.
 */
public interface Pacer {
  /**
   * @param nowNanos the throttle's clock
   * @param sent keys the throttle has let through so far, over every shard
   * @return keys per second allowed now; {@link Double#POSITIVE_INFINITY} for no limit
   */
  double keysPerSecond(long nowNanos, long sent);
}
