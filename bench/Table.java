package bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Rows printed as an aligned Markdown table. */
final class Table {
  final List<String[]> rows = new ArrayList<>();

  Table(String... head) {
    rows.add(head);
  }

  Table(List<String> head) {
    this(head.toArray(String[]::new));
  }

  void row(String... cells) {
    rows.add(cells);
  }

  void row(List<String> cells) {
    rows.add(cells.toArray(String[]::new));
  }

  /** A Markdown table, aligned, so the output pastes into docs/benchmarks.md as it is. */
  void print(PrintStream out) {
    int cols = rows.get(0).length;
    int[] w = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        w[i] = Math.max(w[i], i < r.length && r[i] != null ? r[i].length() : 0);
      }
    }
    for (int k = 0; k < rows.size(); k++) {
      String[] r = rows.get(k);
      StringBuilder b = new StringBuilder("|");
      for (int i = 0; i < cols; i++) {
        String c = i < r.length && r[i] != null ? r[i] : "";
        b.append(' ').append(c).append(" ".repeat(w[i] - c.length())).append(" |");
      }
      out.println(b);
      if (k == 0) {
        StringBuilder s = new StringBuilder("|");
        for (int i = 0; i < cols; i++) {
          s.append('-').append("-".repeat(w[i])).append("-|");
        }
        out.println(s);
      }
    }
  }
}
