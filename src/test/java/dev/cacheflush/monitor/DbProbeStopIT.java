package dev.cacheflush.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.config.DbSettings;
import dev.cacheflush.flush.StopSignal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A database that never answers must not hold up a stop request. */
class DbProbeStopIT {
  @Test
  void closingAfterAStopShouldNotWaitForAQueryThatHangs() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Socket> accepted =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return silent.accept();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      StopSignal stop = new StopSignal();
      // Time stands still: closing's own budget for a running query never runs out, so only the
      // stop can end it.
      Ticker frozen =
          new Ticker() {
            @Override
            public long nanos() {
              return 0;
            }

            @Override
            public void sleep(Duration duration) {}
          };
      DbProbe probe =
          DbProbe.start(
              new DbSettings(
                  "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/shop",
                  null,
                  null,
                  DbSettings.DEFAULT_QUERY,
                  Duration.ofMillis(500)),
              frozen,
              stop);
      // The probe's first query is connecting now, and waits for an answer that never comes.
      try (Socket connection = accepted.get(60, TimeUnit.SECONDS)) {
        stop.request();

        CompletableFuture<Void> closed = CompletableFuture.runAsync(probe::close);

        assertThat(closed)
            .as("closing ends on the stop, with the query still hanging")
            .succeedsWithin(Duration.ofSeconds(60));
        assertThat(probe.firstError()).isNull();
      }
    }
  }
}
