package dev.cacheflush.support;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a screenshot the way a person looks at a chart: where the plot areas are (found by their
 * fill colour), and where inside them there are pixels of a line's colour. Antialiasing blends the
 * edges of a line, so colours match within a tolerance; the middle of a 3 px line is exact.
 */
public final class Screenshot {
  private static final int MIN_AREA_ROWS = 20;
  private static final int MAX_GAP_ROWS = 4;

  private final BufferedImage image;

  public Screenshot(BufferedImage image) {
    this.image = image;
  }

  /**
   * The areas filled with {@code rgb}, top to bottom: bands of rows in which the colour covers at
   * least {@code minRunPixels}, each as the bounding box of the colour in it. A few rows without
   * it (a grid line drawn across the area) do not split an area, and a band of a few rows (the
   * fill showing between a chart's last line and its axis) is no area.
   */
  public List<Rectangle> areasOf(int rgb, int minRunPixels) {
    List<Rectangle> areas = new ArrayList<>();
    Rectangle current = null;
    int lastRow = -100;
    for (int y = 0; y < image.getHeight(); y++) {
      int count = 0;
      int minX = Integer.MAX_VALUE;
      int maxX = -1;
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) == rgb) {
          count++;
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
        }
      }
      if (count >= minRunPixels) {
        if (current == null || y - lastRow > MAX_GAP_ROWS) {
          current = new Rectangle(minX, y, maxX - minX + 1, 1);
          areas.add(current);
        } else {
          current.add(new Rectangle(minX, y, maxX - minX + 1, 1));
        }
        lastRow = y;
      }
    }
    areas.removeIf(area -> area.height < MIN_AREA_ROWS);
    return areas;
  }

  /** The pixels inside {@code area} within {@code tolerance} (per channel) of {@code rgb}. */
  public List<int[]> pixelsNear(Rectangle area, int rgb, int tolerance) {
    List<int[]> found = new ArrayList<>();
    for (int y = area.y; y < area.y + area.height; y++) {
      for (int x = area.x; x < area.x + area.width; x++) {
        if (near(image.getRGB(x, y), rgb, tolerance)) {
          found.add(new int[] {x, y});
        }
      }
    }
    return found;
  }

  /** The bounding box of some pixels, or null when there are none. */
  public static Rectangle extent(List<int[]> pixels) {
    Rectangle box = null;
    for (int[] p : pixels) {
      if (box == null) {
        box = new Rectangle(p[0], p[1], 1, 1);
      } else {
        box.add(new Rectangle(p[0], p[1], 1, 1));
      }
    }
    return box;
  }

  private static boolean near(int argb, int rgb, int tolerance) {
    for (int shift = 0; shift <= 16; shift += 8) {
      if (Math.abs(((argb >> shift) & 0xff) - ((rgb >> shift) & 0xff)) > tolerance) {
        return false;
      }
    }
    return true;
  }
}
