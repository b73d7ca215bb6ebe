package dev.lumen.app.demodata;

import java.util.Random;

/**
 * The normal anatomy of one synthetic frontal (PA) chest radiograph: where the lungs, heart,
 * mediastinum, diaphragm and bones lie for one "patient", and how dense each is.
 *
 * <p>Positions are measured in the patient's own frame: {@code a}, the distance from the midline
 * towards that side's chest wall in thorax half-widths (0 at the spine, about 0.95 at the inner
 * ribs), and {@code h}, the height below the lung apices in lung heights (0 at the apex, about 1
 * at the costophrenic angles). The image shows the patient's right on its left, as a PA film is
 * read, so the heart bulges into the image's right half.
 */
final class ChestAnatomy {
  /** Image-left lung (the patient's right) and image-right lung (the patient's left). */
  static final int RIGHT = 0;
  static final int LEFT = 1;

  private static final int POSTERIOR_RIBS = 10;
  /** The hila as {lateral, height}, per side: the left one a little higher. */
  private static final double[][] HILA = {{0.20, 0.44}, {0.22, 0.40}};
  /** The height of the heart's centre: its lower border rests on the diaphragm. */
  private static final double HEART_LEVEL = 0.64;

  private final double size;
  private final double midline;
  private final double apexY;
  private final double halfWidth;
  private final double lungHeight;
  private final double[] domePeak = new double[2];
  private final double heartHalfWidth;
  private final double heartHalfHeight;
  private final double ribPhase;
  private final boolean gastricBubble;
  private final double edge;

  /** A patient drawn from {@code r}; {@code enlargedHeart} makes the cardiothoracic ratio above one half. */
  ChestAnatomy(Random r, int size, boolean enlargedHeart) {
    this.size = size;
    double scale = 1 + 0.05 * r.nextGaussian();
    midline = size * (0.5 + 0.02 * r.nextGaussian());
    apexY = size * (0.13 + 0.015 * r.nextGaussian());
    halfWidth = size * 0.37 * scale;
    lungHeight = size * (0.62 + 0.03 * r.nextGaussian()) * scale;
    // The right hemidiaphragm sits under the liver, a little higher than the left.
    double inspiration = 0.03 * r.nextGaussian();
    domePeak[RIGHT] = 0.76 + inspiration;
    domePeak[LEFT] = 0.81 + inspiration + 0.015 * r.nextGaussian();
    heartHalfWidth = enlargedHeart ? 0.52 + 0.08 * r.nextDouble() : 0.30 + 0.06 * r.nextDouble();
    heartHalfHeight = 0.19 + 0.25 * (heartHalfWidth - 0.37);
    ribPhase = 0.012 * r.nextGaussian();
    gastricBubble = r.nextDouble() < 0.8;
    edge = size * 0.006;
  }

  /** The side ({@link #RIGHT} or {@link #LEFT}) that image column {@code x} lies on. */
  int side(double x) {
    return x < midline ? RIGHT : LEFT;
  }

  /** Distance from the midline in thorax half-widths, positive towards {@code side}'s chest wall. */
  double lateral(double x, int side) {
    return (side == LEFT ? 1 : -1) * (x - midline) / halfWidth;
  }

  /** Height below the apices in lung heights. */
  double height(double y) {
    return (y - apexY) / lungHeight;
  }

  /** The image column at lateral distance {@code a} on {@code side}. */
  double column(double a, int side) {
    return midline + (side == LEFT ? 1 : -1) * a * halfWidth;
  }

  /** The image row at height {@code h} below the apices. */
  double row(double h) {
    return apexY + h * lungHeight;
  }

  /** The lung height in pixels: the scale of everything in the chest. */
  double lungHeight() {
    return lungHeight;
  }

  /** The top of the diaphragm's dome on {@code side} at lateral distance {@code a}, as a height. */
  double diaphragm(double a, int side) {
    double t = (a - 0.45) / 0.5;
    return domePeak[side] + 0.22 * t * t;
  }

  /** The lateral distance of the inner chest wall at the lung bases, where the costophrenic angles lie. */
  static final double BASAL_WALL = 0.96;

  /** How much of pixel (x, y) is aerated lung field, in [0, 1]: the thoracic cavity less heart and mediastinum. */
  double lungField(double x, double y) {
    int side = side(x);
    double a = lateral(x, side);
    double h = height(y);
    double toWall = (lateralWall(h) - a) * halfWidth;
    double toMediastinum = (a - mediastinum(h, side)) * halfWidth;
    // The apex is a dome: steep towards the mediastinum, flat outwards, where the chest wall takes over.
    double apex = a < 0.30 ? 0.16 * Math.pow((a - 0.30) / 0.22, 2) : 0.04 * Math.pow((a - 0.30) / 0.2, 2);
    double belowApex = (h - apex) * lungHeight;
    double aboveDiaphragm = (diaphragm(a, side) - h) * lungHeight;
    double cavity = Ramps.step(toWall, edge) * Ramps.step(toMediastinum, edge) * Ramps.step(belowApex, edge)
        * Ramps.step(aboveDiaphragm, edge);
    return cavity * (1 - Ramps.step(heartInside(x, y), 0.08));
  }

  /**
   * Where pixel (x, y) lies relative to the heart's outline: positive inside (1 at its centre),
   * 0 on the outline, negative outside. The heart sits left of the midline (image right), its apex
   * pointing down and out.
   */
  double heartInside(double x, double y) {
    double h = height(y);
    double centre = 0.08 + 0.25 * (h - HEART_LEVEL);
    double across = (x - midline) / halfWidth - centre;
    double down = (h - HEART_LEVEL) / heartHalfHeight;
    // Narrower at the top, where the heart hangs from the great vessels.
    double reach = heartHalfWidth * (across > 0 ? 1.2 : 0.8) * (1 - 0.3 * Math.max(0, -down));
    return 1 - Math.pow(across / reach, 2) - down * down;
  }

  /**
   * The density of the normal chest at pixel (x, y), before the lungs' air is taken away: soft
   * tissue, mediastinum, heart, liver, bones, hila and the air of trachea and stomach.
   */
  double density(double x, double y) {
    int side = side(x);
    double a = lateral(x, side);
    double h = height(y);
    double v = 0.05 + 0.34 * body(a, h) * (1.05 - 0.1 * Math.min(1, a));
    double heart = Ramps.step(heartInside(x, y), 0.08);
    v += 0.02 * heart;
    if (side == RIGHT) {
      v += 0.04 * Ramps.step((h - diaphragm(a, side)) * lungHeight, edge * 4);
    } else if (gastricBubble) {
      double bx = (a - 0.45) / 0.11;
      double by = (h - diaphragm(0.45, side) - 0.06) / 0.045;
      v -= 0.14 * Ramps.step(1 - bx * bx - by * by, 0.3);
    }
    v -= 0.08 * airways(a, h, side);
    v += 0.05 * Math.exp(-Math.pow((a - HILA[side][0]) / 0.07, 2) - Math.pow((h - HILA[side][1]) / 0.07, 2));
    v += spine(x, h) * (1 - 0.4 * heart);
    v += ribs(a, h);
    v += clavicle(a, h) + scapula(a, h) + humerus(a, h);
    return v;
  }

  /** The hilum of {@code side}, where its vessels fan out, as {lateral, height}. */
  double[] hilum(int side) {
    return HILA[side].clone();
  }

  /** The inner chest wall at height {@code h}: narrow at the apex, widest at the bases. */
  private static double lateralWall(double h) {
    double c = Math.max(0, Math.min(1, h / 0.6));
    return 0.50 + (BASAL_WALL - 0.50) * (1 - Math.pow(1 - c, 2.5));
  }

  /** The mediastinum's edge: trachea and vessels, with the aortic knob and pulmonary trunk on the left. */
  private static double mediastinum(double h, int side) {
    return side == LEFT
        ? 0.11 + 0.11 * bump(h, 0.25, 0.06) + 0.07 * bump(h, 0.37, 0.05) + 0.06 * Ramps.step(h - 0.42, 0.1)
        : 0.12 + 0.03 * bump(h, 0.30, 0.10) + 0.05 * Ramps.step(h - 0.42, 0.1);
  }

  private static double bump(double h, double centre, double width) {
    return Math.exp(-Math.pow((h - centre) / width, 2));
  }

  /** Soft tissue: neck, shoulders and trunk. */
  private double body(double a, double h) {
    double c = Math.max(0, Math.min(1, (h + 0.3) / 0.3));
    double outline = 0.45 + 0.95 * c * c * (3 - 2 * c);
    return Ramps.step((outline - a) * halfWidth, size * 0.03);
  }

  /** Trachea down to the carina, then the two main bronchi to the hila. */
  private double airways(double a, double h, int side) {
    double trachea = h < 0.30 ? Ramps.step((0.045 - a) * halfWidth, edge) * Ramps.step((h + 0.5) * lungHeight, edge) : 0;
    double[] hilum = HILA[side];
    double bronchus = Segment.distance(a, h * lungHeight / halfWidth, 0, 0.30 * lungHeight / halfWidth,
        hilum[0] - 0.05, hilum[1] * lungHeight / halfWidth);
    double width = side == RIGHT ? 0.035 : 0.03;
    return Math.max(trachea, Ramps.step((width - bronchus) * halfWidth, edge));
  }

  /** Vertebral bodies with their disc spaces and pedicles, fainter behind the heart. */
  private double spine(double x, double h) {
    double across = Math.abs(x - midline) / halfWidth;
    double pitch = 0.078;
    double phase = ((h + 0.5) / pitch) % 1;
    double disc = Math.exp(-Math.pow((phase - 0.95) / 0.07, 2)) + Math.exp(-Math.pow((phase + 0.05) / 0.07, 2));
    double vertebra = Ramps.step((0.11 - across) * halfWidth, edge * 3) * (1 - 0.4 * disc);
    double pedicle = Math.exp(-Math.pow((across - 0.08) / 0.018, 2) - Math.pow((phase - 0.35) / 0.14, 2));
    return 0.09 * vertebra + 0.05 * pedicle;
  }

  /**
   * Ribs: ten posterior arcs, near-horizontal from the spine and curving down at the chest wall,
   * and their fainter anterior ends, sloping down towards the sternum, each with a denser cortex.
   */
  private double ribs(double a, double h) {
    if (a < 0.07) {
      return 0;
    }
    double wall = lateralWall(h) + 0.07;
    double beyondWall = Ramps.step((wall - a) * halfWidth, size * 0.02);
    double sum = 0;
    for (int k = 0; k < POSTERIOR_RIBS; k++) {
      double start = -0.07 + 0.098 * k + ribPhase;
      double posterior = start - 0.08 * a + 0.26 * a * a * a;
      sum += ribProfile((h - posterior) * lungHeight, size * 0.012);
      double endA = lateralWall(start) + 0.05;
      double endH = start - 0.08 * endA + 0.26 * endA * endA * endA;
      double anterior = endH + 0.45 * Math.pow(Math.max(0, endA - a), 1.15);
      double cartilage = Ramps.step((a - 0.35) * halfWidth, size * 0.04);
      sum += 0.55 * cartilage * ribProfile((h - anterior) * lungHeight, size * 0.012);
    }
    return 0.09 * Math.min(sum, 1.6) * beyondWall;
  }

  /** A rib's cross-section {@code d} pixels off its centreline: a marrow band between brighter cortices. */
  private static double ribProfile(double d, double halfThickness) {
    double t = Math.abs(d) / halfThickness;
    if (t > 1.6) {
      return 0;
    }
    return 0.6 * Ramps.step(1 - t, 0.3) + 0.5 * Math.exp(-Math.pow((t - 0.85) / 0.2, 2));
  }

  /** The clavicle: an S-shaped bone from the sternal notch to the shoulder. */
  private double clavicle(double a, double h) {
    if (a < 0.06 || a > 1.2) {
      return 0;
    }
    double t = (a - 0.08) / 0.97;
    double centre = 0.05 - 0.12 * t + 0.03 * Math.sin(2 * Math.PI * t);
    return 0.10 * ribProfile((h - centre) * lungHeight, size * 0.017) * Ramps.step((a - 0.08) * halfWidth, edge * 2);
  }

  /** The scapula's medial part, a faint plate over the upper lateral lung. */
  private double scapula(double a, double h) {
    double medialBorder = 0.80 + 0.25 * (h + 0.05);
    double plate = Ramps.step((a - medialBorder) * halfWidth, edge * 2) * Ramps.step((h + 0.08) * lungHeight, edge * 3)
        * Ramps.step((0.45 - h) * lungHeight, size * 0.05);
    return 0.04 * plate + 0.03 * plate * Math.exp(-Math.pow((a - medialBorder) * halfWidth / (size * 0.006), 2));
  }

  /** The humeral head at the shoulder. */
  private double humerus(double a, double h) {
    double d = Math.hypot(a - 1.25, (h + 0.05) * lungHeight / halfWidth) / 0.17;
    return d < 1 ? 0.12 * Math.sqrt(1 - d * d) + 0.05 * Math.exp(-Math.pow((d - 0.93) / 0.06, 2)) : 0;
  }
}
