package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.glob.RedisGlob;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassifierTest {
  private final Classifier classifier =
      new Classifier(
          List.of(RedisGlob.compile("mocs:*"), RedisGlob.compile("*:cache:*")),
          List.of(RedisGlob.compile("sessions:*"), RedisGlob.compile("mocs:pinned:*")));

  @Test
  void keyMatchingOnlyAFlushPatternShouldBeFlushedUnderTheFirstItMatches() {
    assertThat(decide("mocs:cache:1"))
        .isEqualTo(new Classifier.Decision(Classifier.Kind.FLUSH, 0, -1));
    assertThat(decide("albums:cache:1"))
        .isEqualTo(new Classifier.Decision(Classifier.Kind.FLUSH, 1, -1));
  }

  @Test
  void preserveShouldWinOverFlush() {
    assertThat(decide("mocs:pinned:1"))
        .isEqualTo(new Classifier.Decision(Classifier.Kind.CONFLICT, 0, 1));
    assertThat(decide("sessions:cache:1"))
        .isEqualTo(new Classifier.Decision(Classifier.Kind.CONFLICT, 1, 0));
  }

  @Test
  void otherKeysShouldBePreservedOrUntouched() {
    assertThat(decide("sessions:1").kind()).isEqualTo(Classifier.Kind.PRESERVE);
    assertThat(decide("gallery:1").kind()).isEqualTo(Classifier.Kind.UNTOUCHED);
  }

  @Test
  void lockKeyShouldBeLeftAloneEvenByAPatternThatMatchesEverything() {
    Classifier everything =
        new Classifier(
            List.of(RedisGlob.compile("*"), RedisGlob.compile("cacheflush:*")), List.of());

    assertThat(everything.classify("cacheflush:lock".getBytes(StandardCharsets.UTF_8)).kind())
        .isEqualTo(Classifier.Kind.LOCK);
    assertThat(everything.classify("cacheflush:locks".getBytes(StandardCharsets.UTF_8)).kind())
        .isEqualTo(Classifier.Kind.FLUSH);
  }

  private Classifier.Decision decide(String key) {
    return classifier.classify(key.getBytes(StandardCharsets.UTF_8));
  }
}
