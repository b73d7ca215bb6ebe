package dev.lumen.app.demodata;

import dev.lumen.app.demodata.Solid.Capsule;
import dev.lumen.app.demodata.Solid.Column;
import dev.lumen.app.demodata.Solid.Ellipsoid;
import dev.lumen.app.demodata.Solid.Section;
import dev.lumen.app.demodata.Solid.Taper;
import java.util.Random;

/**
 * One synthetic knee, drawn from a seed as a set of solids in millimetres: femur (shaft widening
 * smoothly into the metaphysis, two condyles with the intercondylar notch between them), tibia
 * (plateau narrowing smoothly into the shaft), fibula and patella, each a trabecular marrow core
 * in a cortical shell; articular cartilage; medial and lateral menisci (C-shaped wedges); the
 * cruciate and collateral ligaments; patellar and quadriceps tendons; Hoffa's fat pad; the
 * suprapatellar recess; the popliteal artery (a flow void) and vein in the fat of the popliteal
 * fossa; striated muscle and subcutaneous fat. Size, position, rotation and tissue texture vary
 * per patient. Findings, each with a mask:
 * <ul>
 *   <li>{@code acl}: a torn anterior cruciate ligament, its middle replaced by fluid and oedema;
 *   <li>{@code meniscus}: a horizontal tear, a fluid cleft through a posterior horn, with the
 *       parameniscal cyst such tears feed at the rim;
 *   <li>{@code abnormal}: either of those, or a joint effusion or a bone bruise; its mask is the
 *       union of all of them.
 * </ul>
 * {@link #tissueAt} answers in scanner coordinates, so {@link KneeExam} reslices the same knee
 * in every plane and the masks line up by construction.
 */
public final class KneePhantom {
  /** The labels, in the order of MRNet's label files. */
  public static final String[] LABELS = {"abnormal", "acl", "meniscus"};

  private static final Ellipsoid CONDYLE_LATERAL = new Ellipsoid(21, 2, 19, 15, 24, 18);
  private static final Ellipsoid CONDYLE_MEDIAL = new Ellipsoid(-21, 2, 19, 16, 25, 18);
  private static final Taper FEMUR = new Taper(new Section(0, 2, 15, 14), 62, new Section(0, 0, 36, 23), 34,
      18, 1000, 8);
  private static final Ellipsoid PATELLA = new Ellipsoid(0, -34, 30, 20, 8, 18);
  private static final Taper TIBIA = new Taper(new Section(0, 2, 38, 27), -10, new Section(0, 5, 16, 15), -62,
      -1000, -4, 3);
  private static final Ellipsoid FIBULAR_HEAD = new Ellipsoid(33, 16, -34, 8, 8, 11);
  private static final Column FIBULAR_SHAFT = new Column(33, 17, 6, 6, -1000, -38);
  private static final Solid[] BONES = {CONDYLE_LATERAL, CONDYLE_MEDIAL, FEMUR, PATELLA, TIBIA, FIBULAR_HEAD,
      FIBULAR_SHAFT};
  private static final Column TIBIAL_CARTILAGE = new Column(0, 2, 36, 25, -4, -1.8);
  private static final Capsule ACL = new Capsule(7, 14, 13, -2, -8, -3, 4);
  private static final Solid[] LIGAMENTS = {
      new Capsule(-6, -4, 12, 0, 20, -9, 4.5),                   // posterior cruciate
      new Column(-39.5, 0, 1.3, 8, -30, 30),                     // medial collateral
      new Capsule(37, 6, 25, 31, 14, -28, 2.2),                  // lateral collateral
      new Capsule(-7, -36, 13, -7, -28, -32, 3.5),               // patellar tendon, a flat band
      new Capsule(0, -36, 13, 0, -28, -32, 3.5),
      new Capsule(7, -36, 13, 7, -28, -32, 3.5),
      new Capsule(0, -33, 47, 0, -30, 90, 5)};                   // quadriceps tendon
  private static final Ellipsoid FAT_PAD = new Ellipsoid(0, -22, 2, 16, 8, 10);
  private static final Ellipsoid RECESS = new Ellipsoid(0, -25, 52, 16, 2, 10);
  private static final Ellipsoid POPLITEAL_FOSSA = new Ellipsoid(0, 39, 10, 14, 10, 60);
  private static final Column POPLITEAL_ARTERY = new Column(-3, 35, 3, 3, -1000, 1000);
  private static final Column POPLITEAL_VEIN = new Column(4, 39, 4, 3.5, -1000, 1000);
  private static final Column SKIN = new Column(0, 4, 58, 54, -1000, 1000);
  private static final Column FASCIA = new Column(0, 6, 52, 48, -1000, 1000);
  private static final double MENISCUS_LEVEL = -1;

  private final boolean paint;
  private final double scale;
  private final double cos;
  private final double sin;
  private final double[] shift;
  private final double aclTearFrom;
  private final Ellipsoid aclEdema;
  private final int tornMeniscus;                // -1 medial, 1 lateral, 0 none
  private final double cleftLevel;
  private final Ellipsoid cyst;
  private final Ellipsoid effusion;
  private final Ellipsoid bruise;
  private final Texture texture;

  private KneePhantom(Random r, boolean paint) {
    this.paint = paint;
    scale = 1 + 0.05 * r.nextGaussian();
    double angle = Math.toRadians(6 * (2 * r.nextDouble() - 1));
    cos = Math.cos(angle);
    sin = Math.sin(angle);
    shift = new double[] {5 * (2 * r.nextDouble() - 1), 5 * (2 * r.nextDouble() - 1), 6 * (2 * r.nextDouble() - 1)};
    boolean acl = r.nextDouble() < 0.3;
    boolean meniscus = r.nextDouble() < 0.35;
    boolean other = r.nextDouble() < 0.4;
    aclTearFrom = 0.25 + 0.15 * r.nextDouble();
    double t = aclTearFrom + 0.2;
    double edemaRadius = 6 + 2 * r.nextDouble();
    aclEdema = acl ? new Ellipsoid(ACL.ax() + t * (ACL.bx() - ACL.ax()), ACL.ay() + t * (ACL.by() - ACL.ay()),
        ACL.az() + t * (ACL.bz() - ACL.az()), edemaRadius, edemaRadius, edemaRadius) : null;
    tornMeniscus = !meniscus ? 0 : r.nextDouble() < 0.75 ? -1 : 1;
    cleftLevel = MENISCUS_LEVEL + 0.8 * (2 * r.nextDouble() - 1);
    double cystRadius = 4 + 2 * r.nextDouble();
    double cystAngle = Math.toRadians(30 * (2 * r.nextDouble() - 1));    // around straight behind the horn
    cyst = meniscus ? new Ellipsoid(tornMeniscus * 21 + 18 * Math.sin(cystAngle), 2 + 1.25 * 18 * Math.cos(cystAngle),
        cleftLevel, cystRadius, cystRadius, cystRadius * 0.8) : null;
    boolean effusionNotBruise = r.nextBoolean();
    effusion = other && effusionNotBruise
        ? new Ellipsoid(0, -24, 47, 22 + 4 * r.nextDouble(), 7 + 3 * r.nextDouble(), 16 + 4 * r.nextDouble()) : null;
    double bruiseRadius = 7 + 3 * r.nextDouble();
    bruise = other && !effusionNotBruise
        ? (r.nextBoolean() ? new Ellipsoid(22, -2, 9, bruiseRadius, bruiseRadius, bruiseRadius)
            : new Ellipsoid(22, 1, -12, bruiseRadius, bruiseRadius, bruiseRadius * 0.7)) : null;
    texture = new Texture(r.nextLong());
  }

  /** The knee of {@code seed}. */
  public static KneePhantom draw(long seed) {
    return draw(seed, true);
  }

  /** The knee of {@code seed}, its findings painted or not (the masks are the same): for tests. */
  static KneePhantom draw(long seed, boolean paintFindings) {
    return new KneePhantom(Seeds.random(seed), paintFindings);
  }

  /** Whether the knee has {@code label} (one of {@link #LABELS}). */
  public boolean has(String label) {
    return switch (label) {
      case "abnormal" -> aclEdema != null || tornMeniscus != 0 || effusion != null || bruise != null;
      case "acl" -> aclEdema != null;
      case "meniscus" -> tornMeniscus != 0;
      default -> throw new IllegalArgumentException("no knee label " + label);
    };
  }

  /** The grey value at scanner point (x, y, z), millimetres, in the sequence of {@code plane}. */
  double greyAt(KneePlane plane, double x, double y, double z) {
    double[] p = toKnee(x, y, z);
    Tissue tissue = tissueAt(p[0], p[1], p[2]);
    return tissue.grey(plane) * (1 + structure(tissue, p[0], p[1], p[2]));
  }

  /**
   * The relative variation of a tissue's signal from its structure: the trabeculae of marrow (fine
   * and coarse), the fibres of muscle (striations along the limb), lobules of fat, patchy oedema.
   */
  private double structure(Tissue tissue, double x, double y, double z) {
    return switch (tissue) {
      case MARROW -> 0.3 * texture.at(x, y, z, 1.4, 1.4, 1.4) + 0.12 * texture.at(x, y, z, 6, 6, 6);
      case EDEMA -> 0.15 * texture.at(x, y, z, 3, 3, 3);
      case MUSCLE -> 0.12 * texture.at(x, y, z, 1.8, 1.8, 12);
      case FAT -> 0.1 * texture.at(x, y, z, 4, 4, 4);
      default -> 0;
    };
  }

  /** The tissue at point (x, y, z) of the knee's own frame, millimetres. */
  private Tissue tissueAt(double x, double y, double z) {
    if (!SKIN.contains(x, y, z, 0)) {
      return Tissue.AIR;
    }
    for (Solid bone : BONES) {
      if (bone.contains(x, y, z, 0)) {
        if (!bone.contains(x, y, z, -1.5)) {
          return Tissue.CORTEX;
        }
        return paint && bruise != null && bruise.contains(x, y, z, 0) ? Tissue.EDEMA : Tissue.MARROW;
      }
    }
    if (paint && (inAclTear(x, y, z) || inMeniscalCleft(x, y, z))) {
      return Tissue.FLUID;
    }
    if (isCartilage(x, y, z)) {
      return Tissue.CARTILAGE;
    }
    if (inMeniscus(x, y, z) || (ACL.contains(x, y, z, 0) && !(paint && inAclGap(x, y, z)))) {
      return Tissue.FIBROUS;
    }
    for (Solid ligament : LIGAMENTS) {
      if (ligament.contains(x, y, z, 0)) {
        return Tissue.FIBROUS;
      }
    }
    if (FAT_PAD.contains(x, y, z, 0)) {
      return Tissue.FAT;
    }
    if (RECESS.contains(x, y, z, 0) || (paint && effusion != null && effusion.contains(x, y, z, 0))
        || (z < 8 && (CONDYLE_LATERAL.contains(x, y, z, 3) || CONDYLE_MEDIAL.contains(x, y, z, 3)))) {
      return Tissue.FLUID;
    }
    if (POPLITEAL_ARTERY.contains(x, y, z, 0)) {
      return Tissue.FLOW_VOID;
    }
    if (POPLITEAL_VEIN.contains(x, y, z, 0)) {
      return Tissue.VEIN;
    }
    if (POPLITEAL_FOSSA.contains(x, y, z, 0)) {
      return Tissue.FAT;
    }
    if (FASCIA.contains(x, y, z, 0) && (y > 12 || Math.abs(z) > 50)) {
      return Tissue.MUSCLE;
    }
    return Tissue.FAT;
  }

  /** Whether scanner point (x, y, z) lies on the finding of {@code label}'s mask. */
  boolean inFinding(String label, double x, double y, double z) {
    double[] p = toKnee(x, y, z);
    x = p[0];
    y = p[1];
    z = p[2];
    boolean acl = inAclTear(x, y, z);
    boolean meniscus = inMeniscalCleft(x, y, z);
    return switch (label) {
      case "acl" -> acl;
      case "meniscus" -> meniscus;
      case "abnormal" -> acl || meniscus || (effusion != null && effusion.contains(x, y, z, 0) && !inBone(x, y, z))
          || (bruise != null && bruise.contains(x, y, z, 0) && inBone(x, y, z));
      default -> throw new IllegalArgumentException("no knee label " + label);
    };
  }

  /** Scanner millimetres to the knee's own frame: undo the patient's shift, rotation and size. */
  private double[] toKnee(double x, double y, double z) {
    double dx = x - shift[0];
    double dy = y - shift[1];
    return new double[] {(cos * dx + sin * dy) / scale, (-sin * dx + cos * dy) / scale, (z - shift[2]) / scale};
  }

  private static boolean inBone(double x, double y, double z) {
    for (Solid bone : BONES) {
      if (bone.contains(x, y, z, 0)) {
        return true;
      }
    }
    return false;
  }

  /** The torn stretch of the ACL and the oedema around it, outside bone. */
  private boolean inAclTear(double x, double y, double z) {
    return aclEdema != null && (aclEdema.contains(x, y, z, 0) || inAclGap(x, y, z)) && !inBone(x, y, z);
  }

  private boolean inAclGap(double x, double y, double z) {
    if (aclEdema == null || !ACL.contains(x, y, z, 0)) {
      return false;
    }
    double t = ACL.along(x, y, z);
    return t >= aclTearFrom && t <= aclTearFrom + 0.4;
  }

  private static boolean isCartilage(double x, double y, double z) {
    if ((CONDYLE_LATERAL.contains(x, y, z, 2.2) || CONDYLE_MEDIAL.contains(x, y, z, 2.2)) && z < 24) {
      return true;
    }
    if (FEMUR.contains(x, y, z, 2) && y < -10 && z < 46) {       // the trochlea
      return true;
    }
    if (PATELLA.contains(x, y, z, 2.5) && y > -34) {
      return true;
    }
    return TIBIAL_CARTILAGE.contains(x, y, z, 0) && Math.abs(x) > 7;
  }

  /**
   * The menisci: wedges on a C-shaped ring around each compartment's centre, thick at the rim and
   * thin inside, open towards the notch (the lateral one less than the medial one).
   */
  private static boolean inMeniscus(double x, double y, double z) {
    return meniscusSide(x, y, z) != 0;
  }

  /** -1 inside the medial meniscus, 1 inside the lateral one, 0 elsewhere. */
  private static int meniscusSide(double x, double y, double z) {
    int side = x < 0 ? -1 : 1;
    double dx = x - side * 21;
    double dy = (y - 2) / 1.25;
    double r = Math.hypot(dx, dy);
    double inner = 8;
    double outer = 16;
    if (r < inner || r > outer) {
      return 0;
    }
    double height = 5 * (r - inner) / (outer - inner);
    if (Math.abs(z - MENISCUS_LEVEL) > height / 2) {
      return 0;
    }
    double towardsNotch = Math.toDegrees(Math.atan2(dy, -side * dx));   // 0 where the ring faces the notch
    return Math.abs(towardsNotch) < (side < 0 ? 45 : 25) ? 0 : side;
  }

  /** The tear: a horizontal fluid cleft through the posterior horn of the torn meniscus, and its cyst. */
  private boolean inMeniscalCleft(double x, double y, double z) {
    if (tornMeniscus == 0) {
      return false;
    }
    if (cyst.contains(x, y, z, 0) && !inBone(x, y, z)) {
      return true;
    }
    if (meniscusSide(x, y, z) != tornMeniscus) {
      return false;
    }
    double dx = x - tornMeniscus * 21;
    double dy = (y - 2) / 1.25;
    double posterior = Math.toDegrees(Math.atan2(dx, dy));             // 0 straight behind the centre
    return Math.abs(posterior) < 40 && Math.abs(z - cleftLevel) < 1.5;
  }
}
