package dev.cacheflush.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ScanSplitTest {
  private static final Map<String, String> REDIS_7 =
      Map.of("redis_version", "7.0.15", "redis_mode", "standalone", "gcc_version", "12.2.0");
  private static final long LOOPBACK = 50_000;

  @Test
  void aLargeKeyspaceOnRedisShouldBeSplitIntoAPowerOfTwoChainsCoveringTheRoundTrip() {
    assertThat(ScanSplit.decide(REDIS_7, false, 100_000, LOOPBACK).chains()).isEqualTo(4);
    assertThat(ScanSplit.decide(REDIS_7, false, 10_000_000, 1_000_000).chains()).isEqualTo(8);
    assertThat(ScanSplit.decide(REDIS_7, false, 10_000_000, 10_000_000).chains())
        .isEqualTo(ScanSplit.MAX_CHAINS);
  }

  @Test
  void theKeyspaceShouldBoundTheChainsWhateverTheRoundTrip() {
    // 50,000 keys: 5 chains' worth, so 4.
    assertThat(ScanSplit.decide(REDIS_7, false, 50_000, 10_000_000).chains()).isEqualTo(4);
    assertThat(ScanSplit.decide(REDIS_7, false, 20_000, 10_000_000).chains()).isEqualTo(2);
  }

  @Test
  void aKeyspaceTooSmallToSplitShouldGetOneChainAndSaySo() {
    ScanSplit split =
        ScanSplit.decide(REDIS_7, false, 2 * ScanSplit.MIN_KEYS_PER_CHAIN - 1, 10_000_000);
    assertThat(split.chains()).isEqualTo(1);
    assertThat(split.why()).contains("too small");
  }

  @Test
  void aClusterShouldGetOneChainAShard() {
    Map<String, String> cluster = Map.of("redis_version", "7.4.1", "redis_mode", "cluster");
    assertThat(ScanSplit.decide(cluster, true, 10_000_000, 10_000_000).chains()).isEqualTo(1);
    assertThat(ScanSplit.decide(cluster, false, 10_000_000, 10_000_000).chains()).isEqualTo(1);
  }

  @Test
  void onlyTheEnginesWhoseScanWasCheckedShouldBeSplit() {
    assertThat(engine("redis_version", "8.0.2")).isEqualTo("Redis 8.0.2");
    assertThat(engine("redis_version", "2.8.24")).isEqualTo("Redis 2.8.24");
    assertThat(engine("redis_version", "2.6.17")).isNull();
    assertThat(engine("redis_version", "9.0.0")).isNull();
    assertThat(engine("redis_version", "7.2.4", "server_name", "valkey", "valkey_version", "8.1.1"))
        .isEqualTo("Valkey 8.1.1");
    assertThat(
            engine("redis_version", "7.2.4", "server_name", "valkey", "valkey_version", "10.0.0"))
        .isNull();
    assertThat(engine("redis_version", "7.2.0", "dragonfly_version", "df-v1.21.0")).isNull();
    assertThat(ScanSplit.provenEngine(Map.of("redis_version", "7.0.15"))).isNull();
    assertThat(ScanSplit.decide(Map.of(), false, 10_000_000, LOOPBACK).chains()).isEqualTo(1);
  }

  @Test
  void theDepthShouldCoverTheRoundTripAtTheServersPaceOfACommand() {
    assertThat(ScanSplit.depthFor(0)).isEqualTo(1);
    assertThat(ScanSplit.depthFor(ScanSplit.SERVER_NANOS_A_COMMAND)).isEqualTo(2);
    assertThat(ScanSplit.depthFor(10_000_000)).isEqualTo(41);
  }

  private static String engine(String... fields) {
    Map<String, String> server = new java.util.HashMap<>();
    server.put("redis_mode", "standalone");
    for (int i = 0; i < fields.length; i += 2) {
      server.put(fields[i], fields[i + 1]);
    }
    return ScanSplit.provenEngine(server);
  }
}
