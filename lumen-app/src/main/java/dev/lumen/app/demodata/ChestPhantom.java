package dev.lumen.app.demodata;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * One synthetic frontal chest radiograph, drawn from a seed as an attenuation map (bright =
 * dense): soft tissue, two lung fields with domed bases, spine, clavicles, ribs, the heart
 * shadow, noise and per-"patient" variation of size, position and exposure; and any of four
 * findings, each with its pixel mask:
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
  private static final double NODULE_CONTRAST = 0.25;

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
   * The study of {@code seed} with its nodule, if any, at a fifth of the usual contrast: subtle
   * enough that a classifier prefers any easier cue (the shortcut set's marker).
   */
  public static ChestPhantom drawFaint(long seed, int size) {
    ChestPhantom p = new ChestPhantom(size);
    p.render(Seeds.random(seed), 1, NODULE_CONTRAST / 5);
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
    double s = size;
    double cx = s * (0.5 + 0.02 * r.nextGaussian());
    double scale = 1 + 0.06 * r.nextGaussian();
    double lungW = s * 0.17 * scale;
    double lungH = s * 0.30 * scale;
    double lungY = s * 0.47;
    double gap = s * 0.12 * scale;
    double[] lungX = {cx - gap - lungW * 0.55, cx + gap + lungW * 0.55};
    boolean[] present = new boolean[FINDINGS.length];
    for (int f = 0; f < FINDINGS.length; f++) {
      present[f] = r.nextDouble() < PREVALENCE[f];
    }
    double heartW = s * (present[3] ? 0.22 + 0.03 * r.nextDouble() : 0.13 + 0.02 * r.nextDouble()) * scale;
    double heartH = s * 0.13 * scale;
    double heartX = cx + s * 0.03;
    double heartY = lungY + lungH * 0.3;
    double exposure = 0.9 + 0.2 * r.nextDouble();
    int side = r.nextInt(2);
    double effusionLevel = lungY + lungH * (0.35 + 0.2 * r.nextDouble());
    double[] nodule = {lungX[r.nextInt(2)] + lungW * 0.5 * (r.nextDouble() - 0.5), lungY + lungH * (r.nextDouble() - 0.6) * 0.7,
        s * (0.022 + 0.015 * r.nextDouble())};
    double[] opacity = {lungX[r.nextInt(2)] + lungW * 0.3 * (r.nextDouble() - 0.5), lungY + lungH * (r.nextDouble() - 0.5) * 0.6,
        s * (0.07 + 0.04 * r.nextDouble())};
    float[] texture = smoothNoise(r, 12);
    lungs = new boolean[size * size];
    boolean[][] found = new boolean[FINDINGS.length][size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int i = y * size + x;
        double halfWidth = s * (0.40 + 0.06 * Math.min(1, y / (s * 0.3))) * scale;
        double body = smooth(1 - Math.abs(x - cx) / halfWidth, 0.08) * smooth((y - s * 0.04) / (s * 0.05), 1);
        double v = 0.05 + 0.42 * body;
        double lung = 0;
        for (int l = 0; l < 2; l++) {
          double dy = (y - lungY) / lungH;
          double dx = (x - lungX[l]) / lungW;
          double inside = 1 - dx * dx - dy * dy * (dy > 0 ? 1.4 : 1);
          lung = Math.max(lung, smooth(inside, 0.08));
        }
        lungs[i] = lung > 0.5;
        v -= 0.3 * lung;
        double ribs = 0;
        for (int k = 0; k < 9; k++) {
          double ry = lungY - lungH * 0.95 + k * lungH * 0.22 + 0.0008 * Math.pow(x - cx, 2) / scale;
          ribs += Math.exp(-Math.pow((y - ry) / (s * 0.009), 2));
        }
        v += 0.07 * Math.min(ribs, 1) * lung;
        double spine = Math.exp(-Math.pow((x - cx) / (s * 0.035), 2)) * (0.9 + 0.1 * Math.sin(y / (s * 0.018)));
        v += 0.3 * spine * body;
        double clavicle = Math.exp(-Math.pow((y - s * 0.16 - 0.0015 * Math.pow(Math.abs(x - cx), 1.6)) / (s * 0.012), 2))
            * smooth(1 - Math.abs(x - cx) / (s * 0.33), 0.05);
        v += 0.18 * clavicle;
        double heartInside = 1 - Math.pow((x - heartX) / heartW, 2) - Math.pow((y - heartY) / heartH, 2);
        double heart = smooth(heartInside, 0.1);
        v += 0.28 * heart;
        if (present[3] && heartInside > 0) {
          found[3][i] = true;
        }
        if (present[0]) {
          double d = Math.hypot(x - nodule[0], y - nodule[1]) / nodule[2];
          double n = smooth(1 - d, 0.15);
          v += on * noduleContrast * n * lung;
          found[0][i] = d < 1 && lungs[i];
        }
        if (present[1]) {
          double d = Math.hypot(x - opacity[0], (y - opacity[1]) * 1.2) / opacity[2];
          double o = Math.exp(-d * d * 1.5) * (0.7 + 0.6 * texture[i]);
          v += on * 0.22 * o * lung;
          found[1][i] = o > 0.35 && lungs[i];
        }
        if (present[2] && Math.abs(x - lungX[side]) < lungW * 1.1) {
          double lateral = Math.max(0, (x - lungX[side]) / lungW * (side == 0 ? -1 : 1));
          double meniscus = effusionLevel - s * 0.08 * lateral * lateral;
          double fluid = smooth((y - meniscus) / (s * 0.01), 1);
          v += on * 0.3 * fluid * lung;
          found[2][i] = fluid > 0.5 && lungs[i];
        }
        v += 0.03 * (texture[i] - 0.5);
        pixels[i] = (float) v;
      }
    }
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) Math.max(0, Math.min(1, pixels[i] * exposure + 0.015 * r.nextGaussian()));
    }
    for (int f = 0; f < FINDINGS.length; f++) {
      if (present[f] && any(found[f])) {
        masks.put(FINDINGS[f], found[f]);
      }
    }
  }

  /** A smooth step of {@code v} over a ramp of {@code width} (0 below -width/2 ... 1 above). */
  private static double smooth(double v, double width) {
    double t = Math.max(0, Math.min(1, v / width + 0.5));
    return t * t * (3 - 2 * t);
  }

  /** Value noise in [0, 1] on a coarse grid of {@code cells}, bilinearly interpolated. */
  private float[] smoothNoise(Random r, int cells) {
    float[] grid = new float[(cells + 1) * (cells + 1)];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = r.nextFloat();
    }
    float[] out = new float[size * size];
    for (int y = 0; y < size; y++) {
      double gy = (double) y / size * cells;
      int y0 = (int) gy;
      double fy = gy - y0;
      for (int x = 0; x < size; x++) {
        double gx = (double) x / size * cells;
        int x0 = (int) gx;
        double fx = gx - x0;
        double top = grid[y0 * (cells + 1) + x0] * (1 - fx) + grid[y0 * (cells + 1) + x0 + 1] * fx;
        double bottom = grid[(y0 + 1) * (cells + 1) + x0] * (1 - fx) + grid[(y0 + 1) * (cells + 1) + x0 + 1] * fx;
        out[y * size + x] = (float) (top * (1 - fy) + bottom * fy);
      }
    }
    return out;
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
