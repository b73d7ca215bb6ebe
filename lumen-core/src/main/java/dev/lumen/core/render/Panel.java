package dev.lumen.core.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Pictures side by side, each under a caption: a study next to its overlays, one per label, so
 * a reader compares them at a glance.
 */
public final class Panel {
  private static final int CAPTION_HEIGHT = 22;
  private static final int GAP = 4;

  /** The longest side a tile keeps; larger pictures are scaled down, so a panel of a huge study stays small. */
  public static final int MAX_TILE_SIDE = 2048;

  private Panel() {}

  /** {@code picture}, scaled down (keeping its aspect) when its longer side exceeds {@link #MAX_TILE_SIDE}. */
  public static BufferedImage tile(BufferedImage picture) {
    int longer = Math.max(picture.getWidth(), picture.getHeight());
    if (longer <= MAX_TILE_SIDE) {
      return picture;
    }
    double f = (double) MAX_TILE_SIDE / longer;
    int w = Math.max(1, (int) Math.round(picture.getWidth() * f));
    int h = Math.max(1, (int) Math.round(picture.getHeight() * f));
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(picture, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /**
   * Tiles {@code tiles} left to right on a black background, {@code captions.get(i)} above
   * tile {@code i}.
   *
   * @throws IllegalArgumentException if the counts differ or there is no tile
   */
  public static BufferedImage of(List<BufferedImage> tiles, List<String> captions) {
    if (tiles.isEmpty() || tiles.size() != captions.size()) {
      throw new IllegalArgumentException("need one caption per tile and at least one tile, got "
          + tiles.size() + " tiles and " + captions.size() + " captions");
    }
    int width = GAP;
    int height = 0;
    for (BufferedImage t : tiles) {
      width += t.getWidth() + GAP;
      height = Math.max(height, t.getHeight());
    }
    BufferedImage out = new BufferedImage(width, height + CAPTION_HEIGHT + GAP, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      g.setColor(Color.WHITE);
      int x = GAP;
      for (int i = 0; i < tiles.size(); i++) {
        g.drawString(captions.get(i), x, CAPTION_HEIGHT - 7);
        g.drawImage(tiles.get(i), x, CAPTION_HEIGHT, null);
        x += tiles.get(i).getWidth() + GAP;
      }
    } finally {
      g.dispose();
    }
    return out;
  }
}
