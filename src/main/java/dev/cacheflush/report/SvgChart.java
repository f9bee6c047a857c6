package dev.cacheflush.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A line chart as inline SVG: no script, font or image to fetch, so the page renders the same
 * offline, as a mail attachment or in a CI artifact viewer.
 */
final class SvgChart {
  /**
   * @param x seconds from the start of the run
   * @param y null where nothing was measured: drawn as a gap, never as 0
   */
  record Point(double x, Double y) {}

  record Series(String name, String colour, List<Point> points) {}

  /** A stretch of time to mark, e.g. the flush. */
  record Band(String label, double from, double to) {}

  /** A horizontal reference line, e.g. the hit rate a watch waits for. */
  record Threshold(String label, double y) {}

  /**
   * @param end where the time line ends, in seconds: the end of the last window, so that its point,
   *     drawn at the window's middle, does not sit on the edge
   * @param fixedTop the top of the y axis (e.g. 100 for percentages), or null to fit the data
   * @param yLabel how a y tick is written, e.g. {@code v -> v + " ms"}
   */
  record Chart(
      String id,
      String title,
      double end,
      List<Series> series,
      List<Band> bands,
      List<Threshold> thresholds,
      Double fixedTop,
      DoubleFunction<String> yLabel) {}

  /** The plot area's fill, used nowhere else on the page, so a screenshot can find the plot by it. */
  static final String PLOT_FILL = "#f7f9fc";

  static final String BAND_COLOUR = "#dc2626";

  private static final int WIDTH = 880;
  private static final int HEIGHT = 280;
  private static final int LEFT = 64;
  private static final int RIGHT = 72;
  private static final int TOP = 34;
  private static final int BOTTOM = 52;
  private static final int PLOT_W = WIDTH - LEFT - RIGHT;
  private static final int PLOT_H = HEIGHT - TOP - BOTTOM;

  /**
   * Pixels between the top of the axis and the plot's border, so that a value at the top (a hit rate
   * of 100 %) is drawn inside the plot, not hidden on its edge.
   */
  static final int HEADROOM = 12;

  private static final int[] TIME_STEPS = {
    1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 3600, 7200, 14400
  };

  private final Chart chart;
  private final double xMax;
  private final double top;
  private final double step;
  private final StringBuilder svg = new StringBuilder();

  private SvgChart(Chart chart) {
    this.chart = chart;
    double x = Math.max(1, chart.end());
    double y = 0;
    for (Series s : chart.series()) {
      for (Point p : s.points()) {
        x = Math.max(x, p.x());
        if (p.y() != null) {
          y = Math.max(y, p.y());
        }
      }
    }
    for (Band b : chart.bands()) {
      x = Math.max(x, b.to());
    }
    for (Threshold t : chart.thresholds()) {
      y = Math.max(y, t.y());
    }
    this.xMax = x;
    if (chart.fixedTop() != null) {
      this.top = chart.fixedTop();
      this.step = niceStep(top / 4);
    } else {
      this.step = niceStep(Math.max(y, 1e-3) * 1.1 / 5);
      this.top = step * Math.ceil(Math.max(y, 1e-3) * 1.1 / step);
    }
  }

  static String render(Chart chart) {
    return new SvgChart(chart).render();
  }

  private String render() {
    add(
        "<svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
            + "aria-labelledby=\"%s-title\" xmlns=\"http://www.w3.org/2000/svg\">",
        chart.id(), WIDTH, HEIGHT, WIDTH, HEIGHT, chart.id());
    add("<title id=\"%s-title\">%s</title>", chart.id(), Html.escape(chart.title()));
    add(
        "<text x=\"%d\" y=\"20\" class=\"chart-title\">%s</text>",
        LEFT, Html.escape(chart.title()));
    add(
        "<rect class=\"plot\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>",
        LEFT, TOP, PLOT_W, PLOT_H, PLOT_FILL);
    yAxis();
    xAxis();
    for (Band b : chart.bands()) {
      double x1 = x(b.from());
      double width = Math.max(2, x(b.to()) - x1);
      add(
          "<rect class=\"band\" data-label=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
              + "fill-opacity=\"0.18\"/>",
          Html.escape(b.label()), x1, TOP, width, PLOT_H, BAND_COLOUR);
      // On a whole pixel and two wide, so that the start of the flush is one crisp line, not a
      // blur.
      long edge = Math.round(x1);
      add(
          "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>",
          edge, TOP, edge, TOP + PLOT_H, BAND_COLOUR);
      add(
          "<text class=\"band-label\" x=\"%.1f\" y=\"%d\" fill=\"%s\">%s</text>",
          x1 + width + 4, TOP + 14, BAND_COLOUR, Html.escape(b.label()));
    }
    for (Threshold t : chart.thresholds()) {
      add(
          "<line class=\"threshold\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#6b7280\" "
              + "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>",
          LEFT, y(t.y()), LEFT + PLOT_W, y(t.y()));
      add(
          "<text class=\"threshold-label\" x=\"%d\" y=\"%.1f\">%s</text>",
          LEFT + PLOT_W + 6, y(t.y()) + 4, Html.escape(t.label()));
    }
    for (Series s : chart.series()) {
      series(s);
    }
    legend();
    svg.append("</svg>\n");
    return svg.toString();
  }

  private void yAxis() {
    for (double v = 0; v <= top + step / 1e6; v += step) {
      double y = y(v);
      add(
          "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>",
          LEFT, y, LEFT + PLOT_W, y);
      add(
          "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
          LEFT - 6, y + 4, Html.escape(chart.yLabel().apply(v)));
    }
  }

  private void xAxis() {
    int step = TIME_STEPS[TIME_STEPS.length - 1];
    for (int candidate : TIME_STEPS) {
      if (xMax / candidate <= 6) {
        step = candidate;
        break;
      }
    }
    for (int s = 0; s <= xMax + 1e-9; s += step) {
      add(
          "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
          x(s),
          TOP + PLOT_H + 16,
          xMax < 90 ? s + "s" : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60));
    }
    add(
        "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">time since the run started</text>",
        LEFT + PLOT_W, HEIGHT - 8);
  }

  /** A polyline per stretch of measured points, a dot on every point, so one lone interval still shows. */
  private void series(Series s) {
    long measured = s.points().stream().filter(p -> p.y() != null).count();
    add(
        "<g class=\"series\" data-series=\"%s\" data-points=\"%d\">",
        Html.escape(s.name()), measured);
    List<Point> run = new ArrayList<>();
    for (Point p : s.points()) {
      if (p.y() == null) {
        line(run, s.colour());
        run.clear();
      } else {
        run.add(p);
      }
    }
    line(run, s.colour());
    for (Point p : s.points()) {
      if (p.y() != null) {
        add(
            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>",
            x(p.x()), y(p.y()), s.colour());
      }
    }
    svg.append("</g>\n");
  }

  private void line(List<Point> run, String colour) {
    if (run.size() < 2) {
      return;
    }
    StringBuilder points = new StringBuilder();
    for (Point p : run) {
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p.x()), y(p.y())));
    }
    add(
        "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"3\" stroke-linejoin=\"round\" points=\"%s\"/>",
        colour, points.toString().strip());
  }

  private void legend() {
    int x = LEFT;
    for (Series s : chart.series()) {
      add(
          "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>",
          x, HEIGHT - 14, s.colour());
      add(
          "<text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>",
          x + 19, HEIGHT - 8, Html.escape(s.name()));
      x += 40 + 7 * s.name().length();
    }
    for (Band b : chart.bands()) {
      add(
          "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"10\" fill=\"%s\" fill-opacity=\"0.18\"/>",
          x, HEIGHT - 17, BAND_COLOUR);
      add(
          "<text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>",
          x + 19, HEIGHT - 8, Html.escape(b.label()));
      x += 40 + 7 * b.label().length();
    }
  }

  private double x(double seconds) {
    return LEFT + PLOT_W * Math.max(0, seconds) / xMax;
  }

  private double y(double value) {
    return TOP + PLOT_H - (PLOT_H - HEADROOM) * Math.max(0, Math.min(value, top)) / top;
  }

  /** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least {@code raw}. */
  static double niceStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 2.5, 5}) {
      if (m * magnitude >= raw * (1 - 1e-9)) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private void add(String format, Object... args) {
    svg.append(String.format(Locale.ROOT, format, args)).append('\n');
  }
}
