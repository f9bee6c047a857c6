package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StopSignalTest {
  @Test
  void aWaitShouldEndAsSoonAsAStopIsRequested() throws Exception {
    StopSignal stop = new StopSignal();
    CompletableFuture<Boolean> waited =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return stop.await(Duration.ofDays(1));
              } catch (InterruptedException e) {
                throw new CompletionException(e);
              }
            });

    stop.request();

    // A day-long wait that ends at all ended on the request.
    assertThat(waited.get(60, TimeUnit.SECONDS)).isTrue();
    assertThat(stop.requested()).isTrue();
  }

  @Test
  void aWaitWithoutAStopShouldSayItWasNotStopped() throws Exception {
    StopSignal stop = new StopSignal();

    assertThat(stop.await(Duration.ofMillis(1))).isFalse();
    assertThat(stop.asFuture()).isNotDone();
  }
}
