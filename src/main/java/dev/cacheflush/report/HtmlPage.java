package dev.cacheflush.report;

import java.util.List;
import java.util.Locale;

/**
 * The frame of a self-contained HTML page and the few building blocks the reports are made of.
 * Everything it needs is inline (CSS, SVG) and it names only fonts every system has, so the page
 * opens offline. Every text given to it is escaped here, never by the caller.
 */
final class HtmlPage {
  private static final String CSS =
      """
      :root { color-scheme: light; }
      body { margin: 0; background: #ffffff; color: #111827;
        font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
      main { max-width: 920px; margin: 0 auto; padding: 24px 20px 40px; }
      h1 { font-size: 22px; margin: 0 0 6px; }
      h2 { font-size: 16px; margin: 30px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #e5e7eb; }
      p { margin: 6px 0; }
      .meta { color: #4b5563; }
      .badge { display: inline-block; padding: 1px 10px; border-radius: 999px; font-size: 13px; font-weight: 600;
        vertical-align: 3px; margin-left: 6px; }
      .ok { background: #dcfce7; color: #166534; }
      .warn { background: #fef3c7; color: #92400e; }
      .bad { background: #fee2e2; color: #991b1b; }
      .note { padding: 8px 12px; border-radius: 8px; margin: 12px 0; }
      .cards { display: grid; gap: 10px; margin: 16px 0; }
      .card { border: 1px solid #e5e7eb; border-radius: 8px; padding: 9px 12px; }
      .card .label { color: #6b7280; font-size: 11px; text-transform: uppercase; letter-spacing: .05em; }
      .card .value { font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; }
      .card .sub { color: #4b5563; font-size: 12px; }
      table { border-collapse: collapse; width: 100%; margin: 6px 0; }
      th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
      th { background: #f3f4f6; font-weight: 600; font-size: 13px; }
      .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
      tr.total td { font-weight: 600; border-top: 2px solid #d1d5db; }
      code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px;
        overflow-wrap: anywhere; }
      details summary { cursor: pointer; color: #1d4ed8; }
      ul.keys { margin: 4px 0; padding-left: 18px; }
      svg.chart { display: block; width: 100%; max-width: 880px; height: auto; margin: 8px 0 4px; }
      .chart text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #374151; }
      .chart .chart-title { font-size: 13px; font-weight: 600; fill: #111827; }
      .chart .grid { stroke: #e5e7eb; stroke-width: 1; }
      .chart .band-label { font-weight: 600; }
      .caption { color: #4b5563; font-size: 12px; }
      footer { margin-top: 36px; color: #6b7280; font-size: 12px; }
      @media (max-width: 600px) { .cards { grid-template-columns: 1fr 1fr !important; } }
      @media print { main { max-width: none; } details { display: block; } }
      """;

  private final StringBuilder html = new StringBuilder();

  HtmlPage(String title) {
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>")
        .append(Html.escape(title))
        .append("</title>\n")
        .append("<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n<main>\n");
  }

  /**
   * How an exit code is painted: green when done, amber when nothing was done (exit 2: declined, or
   * refused before it began), red for every run that failed, stopped or did not recover: amber is
   * also the dry run's, and a timeout or a failed gate must not look like one.
   */
  static String tone(int exitCode) {
    return exitCode == 0 ? "ok" : exitCode == 2 ? "warn" : "bad";
  }

  /** The heading with the outcome as a badge in the {@link #tone} of its exit code. */
  HtmlPage heading(String title, String outcome, int exitCode) {
    String tone = tone(exitCode);
    html.append("<h1>")
        .append(Html.escape(title))
        .append(" <span class=\"badge ")
        .append(tone)
        .append("\" id=\"outcome\">")
        .append(Html.escape(outcome + " · exit " + exitCode))
        .append("</span></h1>\n");
    return this;
  }

  HtmlPage meta(String text) {
    html.append("<p class=\"meta\">").append(Html.escape(text)).append("</p>\n");
    return this;
  }

  /** @param tone ok, warn or bad */
  HtmlPage note(String tone, String text) {
    html.append("<p class=\"note ")
        .append(tone)
        .append("\">")
        .append(Html.escape(text))
        .append("</p>\n");
    return this;
  }

  HtmlPage section(String id, String title) {
    html.append("<h2 id=\"").append(id).append("\">").append(Html.escape(title)).append("</h2>\n");
    return this;
  }

  HtmlPage paragraph(String text) {
    html.append("<p>").append(Html.escape(text)).append("</p>\n");
    return this;
  }

  HtmlPage caption(String text) {
    html.append("<p class=\"caption\">").append(Html.escape(text)).append("</p>\n");
    return this;
  }

  record Card(String label, String value, String sub) {}

  /** Cards in rows of three, or all in one row when four or fewer. */
  HtmlPage cards(List<Card> cards) {
    int columns = cards.size() <= 4 ? cards.size() : 3;
    html.append("<div class=\"cards\" style=\"grid-template-columns: repeat(")
        .append(columns)
        .append(", 1fr)\">\n");
    for (Card c : cards) {
      html.append("<div class=\"card\"><div class=\"label\">")
          .append(Html.escape(c.label()))
          .append("</div><div class=\"value\">")
          .append(Html.escape(c.value()))
          .append("</div>");
      if (c.sub() != null) {
        html.append("<div class=\"sub\">").append(Html.escape(c.sub())).append("</div>");
      }
      html.append("</div>\n");
    }
    html.append("</div>\n");
    return this;
  }

  HtmlPage chart(SvgChart.Chart chart) {
    html.append(SvgChart.render(chart));
    return this;
  }

  /**
   * A cell: text, whether it is a number (right-aligned), whether it is code (keys, patterns), or a
   * list of keys, folded unless {@code open}.
   */
  record Cell(String text, boolean number, boolean code, List<String> list, boolean open) {
    static Cell text(String text) {
      return new Cell(text, false, false, null, false);
    }

    static Cell number(String text) {
      return new Cell(text, true, false, null, false);
    }

    static Cell code(String text) {
      return new Cell(text, false, true, null, false);
    }

    /** Keys folded under how many there are, so that a table of ten samples per row stays short. */
    static Cell keys(List<String> keys) {
      return new Cell(null, false, true, keys, false);
    }

    /** Keys shown unfolded: a dry run is read to check them. */
    static Cell openKeys(List<String> keys) {
      return new Cell(null, false, true, keys, true);
    }
  }

  /**
   * @param header the column names; a name starting with '#' is a numeric column (the '#' is not shown)
   * @param totalLast whether the last row is a total
   */
  HtmlPage table(String id, List<String> header, List<List<Cell>> rows, boolean totalLast) {
    html.append("<table id=\"").append(id).append("\">\n<thead><tr>");
    for (String h : header) {
      boolean number = h.startsWith("#");
      html.append(number ? "<th class=\"num\">" : "<th>")
          .append(Html.escape(number ? h.substring(1) : h))
          .append("</th>");
    }
    html.append("</tr></thead>\n<tbody>\n");
    for (int i = 0; i < rows.size(); i++) {
      html.append(totalLast && i == rows.size() - 1 ? "<tr class=\"total\">" : "<tr>");
      for (Cell c : rows.get(i)) {
        cell(c);
      }
      html.append("</tr>\n");
    }
    html.append("</tbody>\n</table>\n");
    return this;
  }

  private void cell(Cell c) {
    html.append(c.number() ? "<td class=\"num\">" : "<td>");
    if (c.list() != null) {
      if (!c.list().isEmpty()) {
        html.append(c.open() ? "<details open><summary>" : "<details><summary>")
            .append(c.list().size())
            .append(c.list().size() == 1 ? " key" : " keys")
            .append("</summary><ul class=\"keys\">");
        c.list()
            .forEach(k -> html.append("<li><code>").append(Html.escape(k)).append("</code></li>"));
        html.append("</ul></details>");
      }
    } else if (c.code()) {
      html.append("<code>").append(Html.escape(c.text())).append("</code>");
    } else {
      html.append(Html.escape(c.text()));
    }
    html.append("</td>");
  }

  /** A table of label and value rows, for settings and summaries. */
  HtmlPage facts(String id, List<String[]> rows) {
    html.append("<table id=\"").append(id).append("\">\n<tbody>\n");
    for (String[] row : rows) {
      html.append("<tr><th>")
          .append(Html.escape(row[0]))
          .append("</th><td>")
          .append(Html.escape(row[1]))
          .append("</td></tr>\n");
    }
    html.append("</tbody>\n</table>\n");
    return this;
  }

  HtmlPage foldedFacts(String summary, String id, List<String[]> rows) {
    html.append("<details><summary>").append(Html.escape(summary)).append("</summary>\n");
    facts(id, rows);
    html.append("</details>\n");
    return this;
  }

  String finish(String footer) {
    html.append(
        String.format(
            Locale.ROOT, "<footer>%s</footer>%n</main>%n</body>%n</html>%n", Html.escape(footer)));
    return html.toString();
  }
}
