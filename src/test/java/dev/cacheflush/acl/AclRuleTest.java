package dev.cacheflush.acl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.glob.RedisGlob;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AclRuleTest {
  private static List<RedisGlob> globs(String... patterns) {
    return Arrays.stream(patterns).map(RedisGlob::compile).toList();
  }

  @Test
  void ruleShouldGrantTheFlushCommandsOnTheFlushPatternsAndTheLockKeyOnly() {
    AclRule rule = AclRule.forFlush(globs("mocs:*", "gallery:*"), globs("sessions:*"), true);

    assertThat(rule.setUser("cacheflush"))
        .isEqualTo(
            "ACL SETUSER cacheflush reset on ~mocs:* ~gallery:* "
                + "~cacheflush:lock +scan +unlink +info +dbsize +cluster|nodes +asking +set +get +pttl +eval");
    assertThat(rule.accessString())
        .isEqualTo(
            "on ~mocs:* ~gallery:* ~cacheflush:lock -@all +scan +unlink +info "
                + "+dbsize +cluster|nodes +asking +set +get +pttl +eval");
    assertThat(rule.overlaps()).isEmpty();
    assertThat(rule.render("cacheflush")).doesNotContain("WARNING");
  }

  @Test
  void withoutTheLockNeitherItsKeyNorItsCommandsAreGranted() {
    AclRule rule = AclRule.forFlush(globs("mocs:*"), globs(), false);
    assertThat(rule.keyPatterns()).containsExactly("~mocs:*");
    assertThat(rule.commands()).doesNotContain("+set", "+get", "+pttl", "+eval");
  }

  @Test
  void overlappingListsShouldBeSaidWithAnExampleKey() {
    AclRule rule =
        AclRule.forFlush(globs("mocs:*", "gallery:*"), globs("sessions:*", "mocs:keep:*"), true);

    assertThat(rule.overlaps())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.flushPattern()).isEqualTo("mocs:*");
              assertThat(o.preservePattern()).isEqualTo("mocs:keep:*");
            });
    assertThat(rule.render("cacheflush"))
        .contains(
            "# WARNING: flush pattern 'mocs:*' and preserve pattern "
                + "'mocs:keep:*' overlap (the key mocs:keep: matches both)");
  }

  @Test
  void argumentsThatRedisCliWouldSplitShouldBeQuoted() {
    AclRule rule = AclRule.forFlush(globs("my cache:*", "quo\"te:*"), globs(), false);
    assertThat(rule.setUser("cf"))
        .startsWith("ACL SETUSER cf reset on \"~my cache:*\" \"~quo\\\"te:*\" +scan");
  }
}
