package dev.cacheflush.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlotWatchTest {
  private static final String A = "a".repeat(40);
  private static final String B = "b".repeat(40);
  private static final String RA = "c".repeat(40);

  private static String line(String id, int port, String flags, String master, String slots) {
    return id
        + " 127.0.0.1:"
        + port
        + "@1"
        + port
        + " "
        + flags
        + " "
        + master
        + " 0 0 1 connected"
        + slots;
  }

  private static List<ClusterNode> view(String... lines) {
    return ClusterNodes.parse(String.join("\n", lines));
  }

  private static final List<ClusterNode> START =
      view(
          line(A, 7000, "myself,master", "-", " 0-8191"),
          line(B, 7001, "master", "-", " 8192-16383"),
          line(RA, 7002, "slave", A, ""));

  @Test
  void aStableClusterShouldHaveNothingToRescan() {
    SlotWatch watch = new SlotWatch(Topology.cluster(START));
    watch.observe(START);
    assertThat(watch.take()).isEmpty();
  }

  @Test
  void aFailoverKeepsTheSlotsInTheirShard() {
    SlotWatch watch = new SlotWatch(Topology.cluster(START));
    watch.observe(
        view(
            line(A, 7000, "master,fail", "-", ""),
            line(B, 7001, "myself,master", "-", " 8192-16383"),
            line(RA, 7002, "master", "-", " 0-8191")));
    assertThat(watch.take()).isEmpty();
  }

  @Test
  void aSlotThatMovedIsRescannedWhereItWent() {
    SlotWatch watch = new SlotWatch(Topology.cluster(START));
    watch.observe(
        view(
            line(A, 7000, "myself,master", "-", " 0-41 43-8191"),
            line(B, 7001, "master", "-", " 42 8192-16383")));

    List<SlotWatch.Rescan> rescans = watch.take();
    assertThat(rescans)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.nodeId()).isEqualTo(B);
              assertThat(r.address().port()).isEqualTo(7001);
              assertThat(r.slots().stream().boxed().toList()).containsExactly(42);
            });
    assertThat(watch.take()).as("the new owner is the new starting point").isEmpty();
  }

  @Test
  void aSlotHalfWayThroughAMoveIsRescannedOnBothSidesUntilItSettles() {
    SlotWatch watch = new SlotWatch(Topology.cluster(START));
    List<ClusterNode> migrating =
        view(
            line(A, 7000, "myself,master", "-", " 0-8191 [42->-" + B + "]"),
            line(B, 7001, "master", "-", " 8192-16383"));
    watch.observe(migrating);
    assertThat(watch.take()).extracting(SlotWatch.Rescan::nodeId).containsExactly(A, B);

    watch.observe(migrating);
    assertThat(watch.take()).as("still moving: again").hasSize(2);
  }

  @Test
  void aRedirectMarksItsSlot() {
    SlotWatch watch = new SlotWatch(Topology.cluster(START));
    watch.redirected(9000);
    assertThat(watch.take()).singleElement().satisfies(r -> assertThat(r.nodeId()).isEqualTo(B));
  }
}
