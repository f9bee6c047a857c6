package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cacheflush.redis.ClusterNodes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotGroupsTest {
  /** One group as drained: its pattern, its keys as text, its bytes. */
  private record Group(int pattern, List<String> keys, long bytes) {}

  @Test
  void keysShouldComeOutOneGroupPerSlotAndPatternInTheOrderTheyCameIn() throws Exception {
    SlotGroups groups = new SlotGroups(100, 1 << 20, 10, 1 << 20);
    // {a} and {b} are two slots; keys of two patterns interleave in {a}.
    String[] keys = {"x:{a}:1", "y:{a}:1", "x:{b}:1", "x:{a}:2", "y:{a}:2", "x:{b}:2", "x:{a}:3"};
    int[] patterns = {0, 1, 0, 0, 1, 0, 0};
    for (int i = 0; i < keys.length; i++) {
      assertThat(groups.add(patterns[i], bytes(keys[i]))).isFalse();
    }

    List<Group> out = drain(groups);

    int a = ClusterNodes.slotOf(bytes("{a}"));
    int b = ClusterNodes.slotOf(bytes("{b}"));
    Group ax = new Group(0, List.of("x:{a}:1", "x:{a}:2", "x:{a}:3"), weight(keys[0]) * 3);
    Group ay = new Group(1, List.of("y:{a}:1", "y:{a}:2"), weight(keys[1]) * 2);
    Group bx = new Group(0, List.of("x:{b}:1", "x:{b}:2"), weight(keys[2]) * 2);
    assertThat(out).containsExactlyElementsOf(a < b ? List.of(ax, ay, bx) : List.of(bx, ax, ay));
    assertThat(drain(groups)).as("a drain empties it").isEmpty();
  }

  @Test
  void addShouldSayFullAtTheKeyBoundOrTheByteBoundWhicheverComesFirst() {
    SlotGroups byKeys = new SlotGroups(3, 1 << 20, 10, 1 << 20);
    assertThat(byKeys.add(0, bytes("k1"))).isFalse();
    assertThat(byKeys.add(0, bytes("k2"))).isFalse();
    assertThat(byKeys.add(0, bytes("k3"))).isTrue();

    long twoKeys = 2 * weight("k1");
    SlotGroups byBytes = new SlotGroups(100, twoKeys, 10, 1 << 20);
    assertThat(byBytes.add(0, bytes("k1"))).isFalse();
    assertThat(byBytes.add(0, bytes("k2"))).isTrue();
  }

  @Test
  void aSlotsKeysShouldBeSplitAtTheGroupsKeyAndByteBounds() throws Exception {
    SlotGroups byKeys = new SlotGroups(100, 1 << 20, 4, 1 << 20);
    for (int i = 0; i < 10; i++) {
      byKeys.add(0, bytes("k:{s}:" + i));
    }
    assertThat(drain(byKeys)).extracting(g -> g.keys().size()).containsExactly(4, 4, 2);

    // A group is closed before a key would take it past its bytes; a key longer than that goes
    // alone.
    SlotGroups byBytes = new SlotGroups(100, 1 << 20, 100, 3 * weight("k:{s}:0"));
    for (int i = 0; i < 5; i++) {
      byBytes.add(0, bytes("k:{s}:" + i));
    }
    byBytes.add(0, bytes("k:{s}:" + "x".repeat(200)));
    byBytes.add(0, bytes("k:{s}:9"));
    assertThat(drain(byBytes)).extracting(g -> g.keys().size()).containsExactly(3, 2, 1, 1);
  }

  @Test
  void aDrainThatFailsShouldStillLeaveNothingHeld() throws Exception {
    SlotGroups groups = new SlotGroups(100, 1 << 20, 10, 1 << 20);
    groups.add(0, bytes("k:{a}:1"));
    groups.add(0, bytes("k:{b}:1"));
    assertThatThrownBy(
            () ->
                groups.drain(
                    (pattern, keys, bytes) -> {
                      throw new InterruptedException("stop");
                    }))
        .isInstanceOf(InterruptedException.class);
    assertThat(drain(groups)).isEmpty();
  }

  private static List<Group> drain(SlotGroups groups) throws InterruptedException {
    List<Group> out = new ArrayList<>();
    groups.drain(
        (pattern, keys, bytes) ->
            out.add(
                new Group(
                    pattern,
                    Arrays.stream(keys).map(k -> new String(k, StandardCharsets.UTF_8)).toList(),
                    bytes)));
    return out;
  }

  private static long weight(String key) {
    return PipelinedDeleter.bytesOf(bytes(key));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
