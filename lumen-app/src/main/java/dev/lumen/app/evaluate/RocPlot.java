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

/** ROC curves of several labels in one plot, as PNG or SVG (by the file's extension). */
public final class RocPlot {
  private static final int SIZE = 520;
  private static final int MARGIN = 50;

  private RocPlot() {}

  /** Writes the curves, one per label, with each label's AUC in the legend. */
  public static void write(Path file, List<String> labels, List<Roc> curves) throws IOException {
    if (file.toString().toLowerCase(Locale.ROOT).endsWith(".svg")) {
      AtomicFiles.writeString(file, svg(labels, curves));
    } else {
      AtomicFiles.writePng(file, png(labels, curves));
    }
  }

  private static double x(double fpr) {
    return MARGIN + fpr * (SIZE - 2 * MARGIN);
  }

  private static double y(double tpr) {
    return SIZE - MARGIN - tpr * (SIZE - 2 * MARGIN);
  }

  private static BufferedImage png(List<String> labels, List<Roc> curves) {
    BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, SIZE, SIZE);
    g.setColor(Color.GRAY);
    g.drawRect(MARGIN, MARGIN, SIZE - 2 * MARGIN, SIZE - 2 * MARGIN);
    g.drawLine((int) x(0), (int) y(0), (int) x(1), (int) y(1));
    g.setColor(Color.BLACK);
    g.drawString("false positive rate", SIZE / 2 - 50, SIZE - 15);
    g.drawString("true positive rate", 5, MARGIN - 10);
    g.setStroke(new BasicStroke(2f));
    for (int c = 0; c < curves.size(); c++) {
      g.setColor(BoxDrawing.colour(c));
      List<Roc.Point> points = curves.get(c).points();
      for (int i = 1; i < points.size(); i++) {
        g.drawLine((int) x(points.get(i - 1).falsePositiveRate()), (int) y(points.get(i - 1).truePositiveRate()),
            (int) x(points.get(i).falsePositiveRate()), (int) y(points.get(i).truePositiveRate()));
      }
      g.drawString(legend(labels.get(c), curves.get(c)), (int) x(0.45), (int) y(0.3) + 16 * c);
    }
    g.dispose();
    return image;
  }

  private static String svg(List<String> labels, List<Roc> curves) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">%n", SIZE, SIZE));
    out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"white\" stroke=\"gray\"/>%n",
        MARGIN, MARGIN, SIZE - 2 * MARGIN, SIZE - 2 * MARGIN));
    out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"gray\"/>%n",
        x(0), y(0), x(1), y(1)));
    out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">false positive rate</text>%n", SIZE / 2 - 50, SIZE - 15));
    out.append(String.format(Locale.ROOT, "<text x=\"5\" y=\"%d\">true positive rate</text>%n", MARGIN - 10));
    for (int c = 0; c < curves.size(); c++) {
      Color colour = BoxDrawing.colour(c);
      String rgb = String.format(Locale.ROOT, "#%06x", colour.getRGB() & 0xffffff);
      StringBuilder path = new StringBuilder();
      for (Roc.Point p : curves.get(c).points()) {
        path.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p.falsePositiveRate()), y(p.truePositiveRate())));
      }
      out.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
          rgb, path.toString().trim()));
      out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s</text>%n", x(0.45),
          y(0.3) + 16 * c, rgb, escape(legend(labels.get(c), curves.get(c)))));
    }
    return out.append("</svg>\n").toString();
  }

  private static String legend(String label, Roc roc) {
    return String.format(Locale.ROOT, "%s  AUC %.3f", label, roc.auc());
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
