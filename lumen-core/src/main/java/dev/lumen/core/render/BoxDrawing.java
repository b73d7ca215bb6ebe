package dev.lumen.core.render;

import dev.lumen.core.postprocess.Regions;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/** Draws labelled region boxes onto a picture, one colour per label. */
public final class BoxDrawing {
  /** Distinct colours for up to eight labels, then repeated. */
  private static final Color[] PALETTE = {new Color(0xe6194b), new Color(0x3cb44b), new Color(0xffe119),
      new Color(0x4363d8), new Color(0xf58231), new Color(0x911eb4), new Color(0x42d4f4), new Color(0xf032e6)};

  private BoxDrawing() {}

  /** The colour of the {@code i}-th label drawn in one picture. */
  public static Color colour(int i) {
    return PALETTE[i % PALETTE.length];
  }

  /** Draws {@code boxes} of {@code label} in {@code colour}, each captioned with its confidence. */
  public static void draw(BufferedImage picture, List<Regions.Box> boxes, String label, Color colour) {
    Graphics2D g = picture.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
      g.setStroke(new BasicStroke(2f));
      g.setColor(colour);
      for (Regions.Box b : boxes) {
        g.drawRect(b.x0(), b.y0(), b.x1() - b.x0() - 1, b.y1() - b.y0() - 1);
        String caption = String.format(Locale.ROOT, "%s %.2f", label, b.confidence());
        g.drawString(caption, b.x0() + 2, Math.max(11, b.y0() - 3));
      }
    } finally {
      g.dispose();
    }
  }
}
