package dev.cacheflush.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell blocks of a Markdown page, in order: every fenced block whose info string is
 * {@code sh}, with the marker of an HTML comment {@code <!-- runbook: NAME -->} on the line right
 * before its fence, if there is one.
 */
final class Runbook {
  /**
   * @param line the line of the opening fence, counting from 1
   * @param marker the marker's name, or null
   */
  record Block(int line, String marker, String text) {}

  private static final Pattern MARKER = Pattern.compile("<!--\\s*runbook:\\s*([a-z-]+)\\s*-->");

  private Runbook() {}

  static List<Block> shellBlocks(Path markdown) {
    List<String> lines;
    try {
      lines = Files.readAllLines(markdown);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).startsWith("```")) {
        continue;
      }
      String info = lines.get(i).substring(3).strip();
      int start = i;
      StringBuilder text = new StringBuilder();
      for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
        text.append(lines.get(i)).append('\n');
      }
      if (i == lines.size()) {
        throw new IllegalStateException(
            markdown + ": the block opened on line " + (start + 1) + " is never closed");
      }
      if (info.equals("sh")) {
        Matcher marker = start > 0 ? MARKER.matcher(lines.get(start - 1).strip()) : null;
        blocks.add(
            new Block(
                start + 1,
                marker != null && marker.matches() ? marker.group(1) : null,
                text.toString()));
      }
    }
    return blocks;
  }
}
