package dev.lumen.app.demodata;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * One synthetic frontal chest radiograph, drawn from a seed as an attenuation map (bright =
 * dense): the normal chest of {@link ChestAnatomy} (lungs with apices, diaphragm domes and
 * costophrenic angles, heart, mediastinum, trachea, spine, ribs, clavicles, scapulae, shoulders,
 * gastric bubble), the lung markings of {@link PulmonaryVessels}, parenchymal texture, noise and
 * per-"patient" variation of size, position, inspiration and exposure; and any of four findings,
 * each with its pixel mask:
 * <ul>
 *   <li>{@code nodule}: a small dense disc in a lung;
 *   <li>{@code opacity}: a large fuzzy consolidation in a lung (pneumonia-like);
 *   <li>{@code effusion}: fluid filling a lung's base up to a meniscus (a blunted angle);
 *   <li>{@code cardiomegaly}: a heart wider than half the chest.
 * </ul>
 */
public final class ChestPhantom {
  /** The findings, in label order. */
  public static final String[] FINDINGS = {"nodule", "opacity", "effusion", "cardiomegaly"};
  private static final double[] PREVALENCE = {0.3, 0.3, 0.25, 0.25};
  private static final double NODULE_CONTRAST = 0.35;
  private static final double FAINT_NODULE_CONTRAST = 0.05;

  private final int size;
  private final float[] pixels;
  private final Map<String, boolean[]> masks = new LinkedHashMap<>();
  private boolean[] lungs;

  private ChestPhantom(int size) {
    this.size = size;
    this.pixels = new float[size * size];
  }

  /** The study drawn from {@code seed} at {@code size x size} pixels. */
  public static ChestPhantom draw(long seed, int size) {
    return draw(seed, size, true);
  }

  /**
   * The study of {@code seed} with its nodule, if any, at a seventh of the usual contrast: subtle
   * enough that a classifier prefers any easier cue (the shortcut set's marker).
   */
  public static ChestPhantom drawFaint(long seed, int size) {
    ChestPhantom p = new ChestPhantom(size);
    p.render(Seeds.random(seed), 1, FAINT_NODULE_CONTRAST);
    return p;
  }

  /** The study of {@code seed}, its findings painted or not (the masks are the same): for tests. */
  static ChestPhantom draw(long seed, int size, boolean paintFindings) {
    ChestPhantom p = new ChestPhantom(size);
    p.render(Seeds.random(seed), paintFindings ? 1 : 0, NODULE_CONTRAST);
    return p;
  }

  /** Grey values in [0, 1], row-major. */
  public float[] pixels() {
    return pixels.clone();
  }

  /** The side in pixels. */
  public int size() {
    return size;
  }

  /** The mask of every finding present (true on the finding). */
  public Map<String, boolean[]> masks() {
    return Map.copyOf(masks);
  }

  /** The lung fields (true inside). */
  public boolean[] lungs() {
    return lungs.clone();
  }

  /** Whether {@code finding} is present. */
  public boolean has(String finding) {
    return masks.containsKey(finding);
  }

  private void render(Random r, double on, double noduleContrast) {
    boolean[] present = new boolean[FINDINGS.length];
    for (int f = 0; f < FINDINGS.length; f++) {
      present[f] = r.nextDouble() < PREVALENCE[f];
    }
    ChestAnatomy anatomy = new ChestAnatomy(r, size, present[3]);
    float[] vessels = PulmonaryVessels.draw(anatomy, r, size);
    Texture texture = new Texture(r.nextLong());
    double exposure = 0.9 + 0.2 * r.nextDouble();
    double[] field = new double[size * size];
    lungs = new boolean[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        field[y * size + x] = anatomy.lungField(x, y);
        lungs[y * size + x] = field[y * size + x] > 0.5;
      }
    }
    double s = size;
    double noduleRadius = s * (0.022 + 0.015 * r.nextDouble());
    double[] nodule = insideLung(r, field, noduleRadius);
    double opacityRadius = s * (0.07 + 0.04 * r.nextDouble());
    double[] opacity = insideLung(r, field, opacityRadius / 2);
    int side = r.nextInt(2);
    double depth = (0.15 + 0.25 * r.nextDouble()) * anatomy.lungHeight();
    double angle = anatomy.row(anatomy.diaphragm(ChestAnatomy.BASAL_WALL, side));
    boolean[][] found = new boolean[FINDINGS.length][size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int i = y * size + x;
        double lung = field[i];
        double v = anatomy.density(x, y) - 0.26 * lung;
        v += lung * (vessels[i] + 0.025 * texture.at(x, y, 0, s * 0.02, s * 0.02, 1));
        double grain = texture.at(x, y, 1, s * 0.09, s * 0.09, 1);
        if (present[0]) {
          double d = Math.hypot(x - nodule[0], y - nodule[1]) / noduleRadius;
          v += on * noduleContrast * Ramps.step(1 - d, 0.15) * lung;
          found[0][i] = d < 1 && lungs[i];
        }
        if (present[1]) {
          double d = Math.hypot(x - opacity[0], (y - opacity[1]) * 1.2) / opacityRadius;
          double o = Math.exp(-d * d * 1.5) * (1 + 0.3 * grain);
          v += on * 0.22 * o * lung;
          found[1][i] = o > 0.35 && lungs[i];
        }
        if (present[2] && anatomy.side(x) == side) {
          // Fluid fills the base up to a meniscus that climbs the chest wall, blunting the costophrenic
          // angle, and lies over the whole dome, hiding it.
          double a = Math.max(0, anatomy.lateral(x, side));
          double toWall = Math.min(1, a / ChestAnatomy.BASAL_WALL);
          double meniscus = Math.min(angle - depth * (0.55 + 0.45 * toWall * toWall),
              anatomy.row(anatomy.diaphragm(a, side)) - 0.4 * depth);
          double fluid = Ramps.step(y - meniscus, s * 0.01);
          v += on * 0.26 * fluid * lung;
          found[2][i] = fluid > 0.5 && lungs[i];
        }
        found[3][i] = present[3] && anatomy.heartInside(x, y) > 0;
        v += 0.02 * grain;
        pixels[i] = (float) v;
      }
    }
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) Math.max(0, Math.min(1, film(pixels[i] * exposure) + 0.015 * r.nextGaussian()));
    }
    for (int f = 0; f < FINDINGS.length; f++) {
      if (present[f] && any(found[f])) {
        masks.put(FINDINGS[f], found[f]);
      }
    }
  }

  /**
   * The film's (or detector's display curve's) response to density: steep for the thin lungs,
   * flattening for soft tissue and bone, so that ribs and vessels stand out over the lungs more
   * than over the heart and abdomen, as on a radiograph.
   */
  private static double film(double density) {
    return (1 - Math.exp(-2.2 * density)) / (1 - Math.exp(-2.2));
  }

  /**
   * A point {x, y} drawn uniformly from the lung fields whose disc of {@code radius} lies within
   * them (at its centre and four compass points).
   */
  private double[] insideLung(Random r, double[] field, double radius) {
    for (int attempt = 0; attempt < 10_000; attempt++) {
      double x = size * r.nextDouble();
      double y = size * r.nextDouble();
      if (inLung(field, x, y) && inLung(field, x - radius, y) && inLung(field, x + radius, y)
          && inLung(field, x, y - radius) && inLung(field, x, y + radius)) {
        return new double[] {x, y};
      }
    }
    throw new IllegalStateException("no room for a finding of radius " + radius + " in the lungs");
  }

  private boolean inLung(double[] field, double x, double y) {
    int ix = (int) x;
    int iy = (int) y;
    return ix >= 0 && iy >= 0 && ix < size && iy < size && field[iy * size + ix] > 0.9;
  }

  private static boolean any(boolean[] mask) {
    for (boolean b : mask) {
      if (b) {
        return true;
      }
    }
    return false;
  }
}
