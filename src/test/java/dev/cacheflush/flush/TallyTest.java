package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.report.KeyText;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TallyTest {
  @Test
  void samplesOfLongKeysShouldHoldTheirStartOnlyInTheRunAndInEachShard() {
    Tally run = new Tally(1);
    Tally shard = run.child();
    Tally.Page page = shard.page();
    for (int i = 0; i < 2 * Tally.SAMPLES; i++) {
      byte[] key = new byte[1 << 20];
      Arrays.fill(key, (byte) 'a');
      page.matched(0, key);
      page.conflict(key, 0, 0);
    }
    page.commit();

    int mostPerSample = KeyText.SAMPLE_BYTES + "… (1,048,576 bytes)".length();
    for (Tally t : new Tally[] {run, shard}) {
      assertThat(t.samples(0))
          .hasSize(Tally.SAMPLES)
          .allSatisfy(s -> assertThat(s).hasSize(mostPerSample));
      assertThat(t.conflictSamples())
          .hasSize(Tally.SAMPLES)
          .allSatisfy(c -> assertThat(c.key()).hasSize(mostPerSample));
    }
    assertThat(run.matched()).isEqualTo(2 * Tally.SAMPLES);
  }
}
