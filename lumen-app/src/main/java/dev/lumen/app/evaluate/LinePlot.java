package dev.lumen.app.evaluate;

import dev.lumen.core.io.AtomicFiles;
import dev.lumen.core.metrics.Roc;
import dev.lumen.core.render.BoxDrawing;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Curves over the unit square in one plot, as PNG or SVG (by the file's extension): ROC curves of
 * several labels, or a quality measure's curves of several methods.
 */
public final class LinePlot {
  private static final int SIZE = 520;
  private static final int MARGIN = 50;

  /** One curve and its line in the legend; x and y in [0, 1]. */
  public record Series(String legend, double[] x, double[] y) {}

  /**
   * The axes' titles, whether the diagonal is drawn (chance, for ROC curves), and the x axis' end
   * (its start is 0; the y axis runs from 0 to 1).
   */
  public record Axes(String x, String y, boolean diagonal, double xMax) {
    public Axes {
      if (!(xMax > 0)) {
        throw new IllegalArgumentException("a plot's x axis must end above 0, got " + xMax);
      }
    }
  }

  private LinePlot() {}

  /** Writes the ROC curves, one per label, with each label's AUC in the legend. */
  public static void roc(Path file, List<String> labels, List<Roc> curves) throws IOException {
    List<Series> series = new java.util.ArrayList<>();
    for (int c = 0; c < curves.size(); c++) {
      List<Roc.Point> points = curves.get(c).points();
      series.add(new Series(String.format(Locale.ROOT, "%s  AUC %.3f", labels.get(c), curves.get(c).auc()),
          points.stream().mapToDouble(Roc.Point::falsePositiveRate).toArray(),
          points.stream().mapToDouble(Roc.Point::truePositiveRate).toArray()));
    }
    write(file, new Axes("false positive rate", "true positive rate", true, 1), series);
  }

  /** Writes {@code series} over {@code axes}. */
  public static void write(Path file, Axes axes, List<Series> series) throws IOException {
    if (file.toString().toLowerCase(Locale.ROOT).endsWith(".svg")) {
      AtomicFiles.writeString(file, svg(axes, series));
    } else {
      AtomicFiles.writePng(file, png(axes, series));
    }
  }

  private static double x(double value, Axes axes) {
    return MARGIN + value / axes.xMax() * (SIZE - 2 * MARGIN);
  }

  /** A tick's label and where it is drawn, in pixels. */
  private record Tick(String text, int x, int y) {}

  /** The ticks' labels, at the start, the middle and the end of each axis. */
  private static List<Tick> ticks(Axes axes) {
    List<Tick> out = new java.util.ArrayList<>();
    for (double t : new double[] {0, 0.5, 1}) {
      out.add(new Tick(String.format(Locale.ROOT, "%.2f", t * axes.xMax()), (int) x(t * axes.xMax(), axes) - 12,
          SIZE - MARGIN + 16));
      out.add(new Tick(String.format(Locale.ROOT, "%.1f", t), MARGIN - 28, (int) y(t) + 4));
    }
    return out;
  }

  private static double y(double value) {
    return SIZE - MARGIN - value * (SIZE - 2 * MARGIN);
  }

  private static BufferedImage png(Axes axes, List<Series> series) {
    BufferedImage image = new BufferedImage(SIZE, height(series), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, SIZE, height(series));
    g.setColor(Color.GRAY);
    g.drawRect(MARGIN, MARGIN, SIZE - 2 * MARGIN, SIZE - 2 * MARGIN);
    if (axes.diagonal()) {
      g.drawLine((int) x(0, axes), (int) y(0), (int) x(1, axes), (int) y(1));
    }
    g.setColor(Color.BLACK);
    g.drawString(axes.x(), MARGIN, SIZE - 15);
    for (Tick tick : ticks(axes)) {
      g.drawString(tick.text(), tick.x(), tick.y());
    }
    g.drawString(axes.y(), 5, MARGIN - 10);
    g.setStroke(new BasicStroke(2f));
    for (int c = 0; c < series.size(); c++) {
      g.setColor(BoxDrawing.colour(c));
      Series s = series.get(c);
      for (int i = 1; i < s.x().length; i++) {
        g.drawLine((int) x(s.x()[i - 1], axes), (int) y(s.y()[i - 1]), (int) x(s.x()[i], axes), (int) y(s.y()[i]));
      }
      g.drawString(s.legend(), MARGIN, legendY(c));
    }
    g.dispose();
    return image;
  }

  private static String svg(Axes axes, List<Series> series) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">%n", SIZE,
        height(series)));
    out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"white\" stroke=\"gray\"/>%n",
        MARGIN, MARGIN, SIZE - 2 * MARGIN, SIZE - 2 * MARGIN));
    if (axes.diagonal()) {
      out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"gray\"/>%n",
          x(0, axes), y(0), x(1, axes), y(1)));
    }
    out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", MARGIN, SIZE - 15,
        escape(axes.x())));
    for (Tick tick : ticks(axes)) {
      out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n", tick.x(),
          tick.y(), tick.text()));
    }
    out.append(String.format(Locale.ROOT, "<text x=\"5\" y=\"%d\">%s</text>%n", MARGIN - 10, escape(axes.y())));
    for (int c = 0; c < series.size(); c++) {
      Color colour = BoxDrawing.colour(c);
      String rgb = String.format(Locale.ROOT, "#%06x", colour.getRGB() & 0xffffff);
      Series s = series.get(c);
      StringBuilder path = new StringBuilder();
      for (int i = 0; i < s.x().length; i++) {
        path.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(s.x()[i], axes), y(s.y()[i])));
      }
      out.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
          rgb, path.toString().trim()));
      out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", MARGIN,
          legendY(c), rgb, escape(s.legend())));
    }
    return out.append("</svg>\n").toString();
  }

  /** The legend's lines go below the plot, where no curve can cover them. */
  private static int legendY(int line) {
    return SIZE + 4 + 16 * line;
  }

  private static int height(List<Series> series) {
    return SIZE + 16 * series.size() + 8;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
