package dev.cacheflush.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cacheflush.config.ConfigException;
import org.junit.jupiter.api.Test;

class PlanToleranceTest {
  @Test
  void theDefaultShouldAllowTenPercentAndAtLeastAHundredKeys() {
    PlanTolerance t = PlanTolerance.parse(PlanTolerance.DEFAULT, "--plan-tolerance");

    assertThat(t.allowed(0)).isEqualTo(100);
    assertThat(t.allowed(500)).isEqualTo(100);
    assertThat(t.allowed(40_000)).isEqualTo(4_000);
    assertThat(t.allowed(40_001)).isEqualTo(4_001); // rounded up: never tighter than asked
    assertThat(t).hasToString("10%,100");
  }

  @Test
  void aShareOrACountAloneShouldBeTheWholeTolerance() {
    assertThat(PlanTolerance.parse("5%", "--plan-tolerance").allowed(1_000)).isEqualTo(50);
    assertThat(PlanTolerance.parse("2.5%", "--plan-tolerance").allowed(1_000)).isEqualTo(25);
    assertThat(PlanTolerance.parse("500", "--plan-tolerance").allowed(1_000_000)).isEqualTo(500);
    assertThat(PlanTolerance.parse("0", "--plan-tolerance").allowed(1_000_000)).isZero();
    assertThat(PlanTolerance.parse(" 500 , 1% ", "--plan-tolerance").allowed(100_000))
        .isEqualTo(1_000);
  }

  @Test
  void anythingElseShouldBeRefusedNamingTheOption() {
    for (String bad : new String[] {"", "ten", "-5", "10%,20%", "5,6", "%", "1e3", "-1%"}) {
      assertThatThrownBy(() -> PlanTolerance.parse(bad, "--plan-tolerance"))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("Invalid --plan-tolerance '" + bad + "'");
    }
  }
}
