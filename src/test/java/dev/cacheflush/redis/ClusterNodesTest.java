package dev.cacheflush.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.config.RedisUrl.HostPort;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClusterNodesTest {
  /** A Redis 7.0 reply, as seen from the primary 07c3..., which is migrating slot 93 and importing 77. */
  static final String REPLY =
      String.join(
          "\n",
          "07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,cache-1 slave "
              + "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected",
          "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922",
          "292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master - 0 1426238318243 3 connected 10923-16383",
          "6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005 slave,fail 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 "
              + "0 1426238316232 5 connected",
          "824fe116063bc5fcf9f4ffd895bc17aee7731ac3 127.0.0.1:30006@31006 slave 292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 0 "
              + "1426238317741 6 connected",
          "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5460 "
              + "[93->-292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f] [77-<-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]",
          "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2 :0@0 master,noaddr - 1426238316232 1426238316232 0 disconnected",
          "");

  @Test
  void everyFieldShouldBeRead() {
    List<ClusterNode> nodes = ClusterNodes.parse(REPLY);

    assertThat(nodes).hasSize(7);
    ClusterNode self = nodes.get(5);
    assertThat(self.flags()).contains("myself");
    assertThat(self.primary()).isTrue();
    assertThat(self.address()).isEqualTo(new HostPort("127.0.0.1", 30001));
    assertThat(self.slots().cardinality()).isEqualTo(5461);
    assertThat(self.slots().get(0)).isTrue();
    assertThat(self.slots().get(5461)).isFalse();
    assertThat(self.migrating()).isEqualTo(Map.of(93, "292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f"));
    assertThat(self.importing()).isEqualTo(Map.of(77, "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1"));
    ClusterNode replica = nodes.get(0);
    assertThat(replica.replica()).isTrue();
    assertThat(replica.masterId()).isEqualTo("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca");
    assertThat(replica.address()).isEqualTo(new HostPort("127.0.0.1", 30004));
    assertThat(nodes.get(3).usable()).isFalse();
    assertThat(nodes.get(6).address()).isNull();
    assertThat(nodes.get(6).usable()).isFalse();
  }

  @Test
  void topologyShouldHaveOneShardPerPrimaryServingSlotsWithItsUsableReplicas() {
    Topology topology = Topology.cluster(ClusterNodes.parse(REPLY));

    assertThat(topology.shards())
        .extracting(s -> s.primary().address().port())
        .containsExactly(30001, 30002, 30003);
    assertThat(topology.shards().get(0).replicas())
        .extracting(r -> r.address().port())
        .containsExactly(30004);
    assertThat(topology.shards().get(1).replicas()).isEmpty(); // its only replica has failed
    assertThat(topology.shardServing(10923).primary().nodeId()).startsWith("292f8b");
    assertThat(topology.coversAllSlots()).isTrue();
  }

  @Test
  void slotOfShouldHonourHashTags() {
    assertThat(ClusterNodes.slotOf("{user1000}.following".getBytes()))
        .isEqualTo(ClusterNodes.slotOf("{user1000}.followers".getBytes()));
    assertThat(ClusterNodes.slotOf("foo".getBytes())).isEqualTo(12182);
  }

  /** The rule's corners, and random binary keys, as Lettuce's cluster client (and the server) hash them. */
  @Test
  void slotOfShouldAgreeWithLettucesSlotHashOnEveryKindOfKey() {
    List<byte[]> keys = new ArrayList<>();
    for (String key :
        List.of(
            "",
            "{",
            "}",
            "{}",
            "{}x",
            "x{}",
            "{a",
            "a}",
            "}{a}",
            "{a}",
            "x{a}y",
            "{a}{b}",
            "{{a}}",
            "x{}{a}",
            "{a}}",
            "mocs:{tag}:1",
            "a{b")) {
      keys.add(key.getBytes(StandardCharsets.UTF_8));
    }
    Random random = new Random(42);
    byte[] alphabet = {'{', '}', 'a', 'b', (byte) 0xff, 0};
    for (int i = 0; i < 20_000; i++) {
      byte[] key = new byte[random.nextInt(12)];
      for (int j = 0; j < key.length; j++) {
        key[j] = alphabet[random.nextInt(alphabet.length)];
      }
      keys.add(key);
    }
    for (byte[] key : keys) {
      assertThat(ClusterNodes.slotOf(key))
          .as(Arrays.toString(key))
          .isEqualTo(SlotHash.getSlot(key));
    }
  }
}
