package dev.lumen.app.demodata;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * One MRNet-style knee exam: the axial, coronal and sagittal stacks resliced from one
 * {@link KneePhantom}, each in its own sequence's contrast, with its own coverage and so its own
 * slice count, {@code size x size} pixels per slice over a 150 mm field of view, 8-bit grey;
 * and every finding's mask resliced onto the same voxels. A voxel averages three samples through
 * the slice's thickness (partial volume) and carries the exam's gain, a smooth coil-sensitivity
 * field and noise.
 */
public final class KneeExam {
  /** Samples through a slice's thickness, in slice spacings from its centre. */
  private static final double[] THROUGH_SLICE = {-0.3, 0, 0.3};

  /**
   * One plane's stack.
   *
   * @param plane the plane
   * @param slices how many slices
   * @param size the side of a slice in pixels
   * @param voxels grey values, slice by slice, row-major
   * @param masks per label present: true on the finding's voxels
   * @param firstDepth the first slice's position along the plane's axis, millimetres
   */
  public record Stack(KneePlane plane, int slices, int size, byte[] voxels, Map<String, boolean[]> masks,
      double firstDepth) {

    /** The scanner point (x, y, z, millimetres) at the centre of a voxel. */
    public double[] centre(int slice, int row, int column) {
      double[] p = new double[3];
      double pixel = KneePlane.FIELD_OF_VIEW / size;
      plane.point(firstDepth + slice * plane.spacing(), (row + 0.5) * pixel - KneePlane.FIELD_OF_VIEW / 2,
          (column + 0.5) * pixel - KneePlane.FIELD_OF_VIEW / 2, p);
      return p;
    }
  }

  private final KneePhantom knee;
  private final Map<KneePlane, Stack> stacks = new EnumMap<>(KneePlane.class);

  private KneeExam(KneePhantom knee) {
    this.knee = knee;
  }

  /** The exam of {@code seed} with slices of {@code size x size} pixels. */
  public static KneeExam draw(long seed, int size) {
    return draw(seed, size, true);
  }

  /** The exam of {@code seed}, its findings painted or not (the masks are the same): for tests. */
  static KneeExam draw(long seed, int size, boolean paintFindings) {
    KneeExam exam = new KneeExam(KneePhantom.draw(seed, paintFindings));
    Random r = Seeds.random(~seed);
    double gain = 0.85 + 0.3 * r.nextDouble();
    double[] phase = {r.nextDouble() * 6.3, r.nextDouble() * 6.3};
    for (KneePlane plane : KneePlane.values()) {
      double[] coverage = switch (plane) {
        case SAGITTAL -> new double[] {-40 - 8 * r.nextDouble(), 40 + 8 * r.nextDouble()};
        case CORONAL -> new double[] {-36 - 6 * r.nextDouble(), 32 + 6 * r.nextDouble()};
        case AXIAL -> new double[] {-30 - 10 * r.nextDouble(), 45 + 10 * r.nextDouble()};
      };
      int slices = (int) ((coverage[1] - coverage[0]) / plane.spacing()) + 1;
      long noiseSeed = seed * 31 + plane.ordinal();
      exam.stacks.put(plane, exam.reslice(plane, slices, size, coverage[0], gain, phase, noiseSeed));
    }
    return exam;
  }

  /** The stack of {@code plane}. */
  public Stack stack(KneePlane plane) {
    return stacks.get(plane);
  }

  /** Whether the exam has {@code label} (one of {@link KneePhantom#LABELS}). */
  public boolean has(String label) {
    return knee.has(label);
  }

  private Stack reslice(KneePlane plane, int slices, int size, double firstDepth, double gain, double[] phase,
      long noiseSeed) {
    byte[] voxels = new byte[slices * size * size];
    Map<String, boolean[]> masks = new LinkedHashMap<>();
    for (String label : KneePhantom.LABELS) {
      if (knee.has(label)) {
        masks.put(label, new boolean[voxels.length]);
      }
    }
    Stack stack = new Stack(plane, slices, size, voxels, masks, firstDepth);
    double thickness = plane.spacing();
    IntStream.range(0, slices).parallel().forEach(s -> {
      Random noise = Seeds.random(noiseSeed * 1_000_003L + s);
      double[] p = new double[3];
      for (int row = 0; row < size; row++) {
        for (int column = 0; column < size; column++) {
          int i = (s * size + row) * size + column;
          double[] centre = stack.centre(s, row, column);
          double grey = 0;
          for (double offset : THROUGH_SLICE) {
            shiftAlong(plane, centre, offset * thickness, p);
            grey += knee.greyAt(plane, p[0], p[1], p[2]) / THROUGH_SLICE.length;
            for (Map.Entry<String, boolean[]> m : masks.entrySet()) {
              m.getValue()[i] |= knee.inFinding(m.getKey(), p[0], p[1], p[2]);
            }
          }
          double coil = 1 + 0.12 * Math.sin(centre[0] / 40 + phase[0]) * Math.cos(centre[2] / 50 + phase[1]);
          double v = grey * gain * coil + 0.025 * noise.nextGaussian();
          voxels[i] = (byte) Math.round(255 * Math.max(0, Math.min(1, v)));
        }
      }
    });
    return stack;
  }

  /** {@code centre} moved {@code distance} millimetres along the plane's slice axis, into {@code out}. */
  private static void shiftAlong(KneePlane plane, double[] centre, double distance, double[] out) {
    out[0] = centre[0];
    out[1] = centre[1];
    out[2] = centre[2];
    out[plane.sliceAxis()] += distance;
  }
}
