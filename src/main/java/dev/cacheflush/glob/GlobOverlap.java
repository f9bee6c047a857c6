package dev.cacheflush.glob;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether some key matches two Redis globs, and one such key. Used to tell when a flush list and
 * a preserve list overlap, so that ACL key patterns (which can only allow) cannot express "the
 * flush patterns except the preserved ones".
 *
 * <p>A glob is read the way Redis's {@code stringmatchlen} walks it: {@code *} runs, {@code ?},
 * {@code \}-escapes and {@code [...]} classes, with a class ending where Redis ends it (an
 * unterminated one runs to the end). The bytes a class accepts are asked of {@link RedisGlob}
 * itself, one byte at a time, so its quirks (signed ranges, {@code [z-a]}) need no second copy.
 * Two globs then overlap when their automata accept a common non-empty key, found breadth-first.
 */
public final class GlobOverlap {
  /** One step of a glob: a star, or one byte out of a set. */
  private record Token(boolean star, BitSet bytes) {}

  /** A pair of positions in the two globs, and whether a byte has been taken yet. */
  private record State(int a, int b, boolean taken) {}

  /** How a state was reached: from which state, taking which byte (-1 for a star matching nothing). */
  private record Step(State from, int value) {}

  private static final BitSet ANY = new BitSet(256);

  static {
    ANY.set(0, 256);
  }

  private GlobOverlap() {}

  /** A key both globs match, if there is one. */
  public static Optional<byte[]> example(RedisGlob first, RedisGlob second) {
    List<Token> a = tokens(first.patternBytes());
    List<Token> b = tokens(second.patternBytes());
    Map<State, Step> parent = new HashMap<>();
    Deque<State> queue = new ArrayDeque<>();
    State start = new State(0, 0, false);
    parent.put(start, null);
    queue.add(start);
    while (!queue.isEmpty()) {
      State s = queue.poll();
      if (s.taken() && s.a() == a.size() && s.b() == b.size()) {
        return Optional.of(key(parent, s));
      }
      if (s.a() < a.size() && a.get(s.a()).star()) {
        visit(parent, queue, new State(s.a() + 1, s.b(), s.taken()), new Step(s, -1));
      }
      if (s.b() < b.size() && b.get(s.b()).star()) {
        visit(parent, queue, new State(s.a(), s.b() + 1, s.taken()), new Step(s, -1));
      }
      if (s.a() < a.size() && s.b() < b.size()) {
        Token ta = a.get(s.a());
        Token tb = b.get(s.b());
        BitSet both = (BitSet) (ta.star() ? ANY : ta.bytes()).clone();
        both.and(tb.star() ? ANY : tb.bytes());
        if (!both.isEmpty()) {
          State next =
              new State(ta.star() ? s.a() : s.a() + 1, tb.star() ? s.b() : s.b() + 1, true);
          visit(parent, queue, next, new Step(s, readable(both)));
        }
      }
    }
    return Optional.empty();
  }

  private static void visit(Map<State, Step> parent, Deque<State> queue, State next, Step how) {
    if (!parent.containsKey(next)) {
      parent.put(next, how);
      queue.add(next);
    }
  }

  private static byte[] key(Map<State, Step> parent, State end) {
    List<Integer> reversed = new ArrayList<>();
    for (Step step = parent.get(end); step != null; step = parent.get(step.from())) {
      if (step.value() >= 0) {
        reversed.add(step.value());
      }
    }
    byte[] key = new byte[reversed.size()];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (int) reversed.get(reversed.size() - 1 - i);
    }
    return key;
  }

  /** A printable byte of the set if there is one, else the lowest, so the example reads well. */
  private static int readable(BitSet bytes) {
    int letter = bytes.nextSetBit('a');
    if (letter >= 0 && letter <= 'z') {
      return letter;
    }
    int printable = bytes.nextSetBit(0x20);
    return printable >= 0 && printable < 0x7f ? printable : bytes.nextSetBit(0);
  }

  /** The glob as Redis walks it: stars collapsed, escapes resolved, classes as byte sets. */
  static List<Token> tokens(byte[] p) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < p.length) {
      byte c = p[i];
      if (c == '*') {
        while (i < p.length && p[i] == '*') {
          i++;
        }
        tokens.add(new Token(true, null));
      } else if (c == '?') {
        tokens.add(new Token(false, ANY));
        i++;
      } else if (c == '[') {
        int end = classEnd(p, i);
        tokens.add(new Token(false, classBytes(Arrays.copyOfRange(p, i, end))));
        i = end;
      } else if (c == '\\' && i + 1 < p.length) {
        tokens.add(new Token(false, single(p[i + 1])));
        i += 2;
      } else {
        tokens.add(new Token(false, single(c)));
        i++;
      }
    }
    return tokens;
  }

  /** Where the class starting at {@code open} ends (exclusive), as stringmatchlen decides it. */
  private static int classEnd(byte[] p, int open) {
    int i = open + 1;
    if (i < p.length && p[i] == '^') {
      i++;
    }
    while (true) {
      if (i >= p.length) {
        return p.length; // unterminated: the class runs to the end of the pattern
      }
      if (p[i] == '\\' && p.length - i >= 2) {
        i += 2;
      } else if (p[i] == ']') {
        return i + 1;
      } else if (p.length - i >= 3 && p[i + 1] == '-') {
        i += 3;
      } else {
        i++;
      }
    }
  }

  private static BitSet classBytes(byte[] classPattern) {
    RedisGlob glob = RedisGlob.compile(classPattern);
    BitSet bytes = new BitSet(256);
    for (int b = 0; b < 256; b++) {
      if (glob.matches(new byte[] {(byte) b})) {
        bytes.set(b);
      }
    }
    return bytes;
  }

  private static BitSet single(byte b) {
    BitSet set = new BitSet(256);
    set.set(b & 0xff);
    return set;
  }
}
