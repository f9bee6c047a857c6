package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeysToDeleteEstimateTest {
  private final Tally tally = new Tally(1);

  private void scan(int matched, int other) {
    Tally.Page page = tally.page();
    for (int i = 0; i < matched; i++) {
      page.matched(0, ("mocs:" + i).getBytes(StandardCharsets.UTF_8));
    }
    for (int i = 0; i < other; i++) {
      page.untouched();
    }
    page.commit();
  }

  @Test
  void shouldScaleTheShareMatchedSoFarToTheKeysInTheDatabase() {
    KeysToDeleteEstimate estimate = new KeysToDeleteEstimate(tally, 10_000);
    assertThat(estimate.getAsLong()).isZero();
    scan(30, 70);
    assertThat(estimate.getAsLong()).isEqualTo(3_000);
    scan(70, 30);
    assertThat(estimate.getAsLong()).isEqualTo(5_000);
  }

  @Test
  void shouldBeTheCountOnceEveryKeyWasScanned() {
    KeysToDeleteEstimate estimate = new KeysToDeleteEstimate(tally, 1_000);
    scan(400, 600);
    assertThat(estimate.getAsLong()).isEqualTo(400);
    // Keys written during the scan: more scanned than DBSIZE said; the count is what it is.
    scan(10, 90);
    assertThat(estimate.getAsLong()).isEqualTo(410);
  }

  @Test
  void shouldNeverBeLessThanTheKeysAlreadyMatched() {
    KeysToDeleteEstimate estimate = new KeysToDeleteEstimate(tally, 0);
    scan(5, 5);
    assertThat(estimate.getAsLong()).isEqualTo(5);
  }
}
