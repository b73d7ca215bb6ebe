package dev.lumen.app.annotate;

import java.util.List;

/**
 * What a client sends to create or edit an annotation: the slice, label, author and note, and
 * the region as one of {@code points} (shape polygon), {@code box} ({@code [x0, y0, x1, y1]}) or
 * {@code runs} (shape mask). An edit also names the {@code version} it changes, so that two
 * people editing at once cannot silently overwrite each other.
 */
public record AnnotationRequest(Integer slice, String label, String shape, List<double[]> points, double[] box,
                                int[] runs, String note, String author, Integer version) {
  /** The region the request describes, checked for its shape. */
  public Region region() {
    if (shape == null) {
      throw new IllegalArgumentException("give the region's 'shape': polygon, box or mask");
    }
    int given = (points == null ? 0 : 1) + (box == null ? 0 : 1) + (runs == null ? 0 : 1);
    if (given != 1) {
      throw new IllegalArgumentException("give exactly one of 'points' (polygon), 'box' or 'runs' (mask)");
    }
    return switch (shape) {
      case "polygon" -> new Region.Polygon(require(points, "points", shape));
      case "box" -> {
        double[] b = require(box, "box", shape);
        if (b.length != 4) {
          throw new IllegalArgumentException("'box' is [x0, y0, x1, y1], got " + b.length + " numbers");
        }
        yield new Region.Box(b[0], b[1], b[2], b[3]);
      }
      case "mask" -> new Region.Mask(require(runs, "runs", shape));
      default -> throw new IllegalArgumentException("unknown shape '" + shape + "': polygon, box or mask");
    };
  }

  private static <T> T require(T value, String field, String shape) {
    if (value == null) {
      throw new IllegalArgumentException("a " + shape + " is given by '" + field + "'");
    }
    return value;
  }
}
