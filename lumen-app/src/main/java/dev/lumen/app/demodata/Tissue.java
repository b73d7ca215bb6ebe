package dev.lumen.app.demodata;

/**
 * The tissues of the knee phantom and their grey values in the three sequences of the exams:
 * sagittal T2 with fat suppression and axial proton density with fat suppression (as MRNet's),
 * and coronal intermediate-weighted with fat suppression, as many clinical knee protocols
 * acquire it (MRNet's coronal series is T1, on which fluid is dark; see docs/design.md). Fluid
 * and oedema are bright; ligaments, tendons, menisci and cortical bone are dark on all three.
 */
enum Tissue {
  AIR(0, 0, 0),
  FAT(0.10, 0.16, 0.12),
  MUSCLE(0.28, 0.30, 0.32),
  MARROW(0.14, 0.22, 0.18),
  CORTEX(0.02, 0.02, 0.02),
  CARTILAGE(0.45, 0.50, 0.55),
  /** Ligaments, tendons and menisci. */
  FIBROUS(0.05, 0.07, 0.06),
  FLUID(0.95, 0.90, 0.85),
  /** Bone-marrow oedema (a bone bruise). */
  EDEMA(0.65, 0.62, 0.60),
  /** Fast-flowing blood (the popliteal artery): no signal. */
  FLOW_VOID(0.03, 0.03, 0.03),
  /** Slow venous flow (the popliteal vein). */
  VEIN(0.40, 0.38, 0.42);

  private final double sagittal;
  private final double coronal;
  private final double axial;

  Tissue(double sagittal, double coronal, double axial) {
    this.sagittal = sagittal;
    this.coronal = coronal;
    this.axial = axial;
  }

  /** Its grey value in [0, 1] in the sequence of {@code plane}. */
  double grey(KneePlane plane) {
    return switch (plane) {
      case SAGITTAL -> sagittal;
      case CORONAL -> coronal;
      case AXIAL -> axial;
    };
  }
}
