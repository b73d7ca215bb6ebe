package dev.lumen.core.explain.lime;

import boofcv.abst.segmentation.ImageSuperpixels;
import boofcv.factory.segmentation.ConfigFh04;
import boofcv.factory.segmentation.ConfigSegmentMeanShift;
import boofcv.factory.segmentation.ConfigSlic;
import boofcv.factory.segmentation.FactoryImageSegmentation;
import boofcv.struct.image.GrayF32;
import boofcv.struct.image.GrayS32;
import boofcv.struct.image.ImageBase;
import boofcv.struct.image.ImageType;
import boofcv.struct.image.Planar;

/**
 * How LIME cuts an image into superpixels, with BoofCV's implementations: SLIC (Achanta et al.
 * 2012; the default: fast, and regions of even size and count whatever the contrast, which suits
 * grey radiographs), Felzenszwalb–Huttenlocher graph segmentation, and mean-shift segmentation
 * (the mode-seeking family quickshift, the reference library's default, belongs to; BoofCV has
 * no quickshift). Images are segmented as the model sees them (resized and cropped), their
 * values stretched to 0–255.
 */
public sealed interface Segmentation {

  /** SLIC with about {@code regions} superpixels and BoofCV's colour/space balance. */
  static Segmentation slic(int regions) {
    return new Slic(regions);
  }

  /** Felzenszwalb–Huttenlocher with threshold {@code k} and a minimum region size in pixels. */
  static Segmentation felzenszwalb(float k, int minimumSize) {
    return new Felzenszwalb(k, minimumSize);
  }

  /** Mean shift with a spatial radius, a colour radius (0–255 scale) and a minimum region size. */
  static Segmentation meanShift(int spatialRadius, float colourRadius, int minimumSize) {
    return new MeanShift(spatialRadius, colourRadius, minimumSize);
  }

  /** The default: SLIC with about 100 superpixels. */
  static Segmentation defaults() {
    return slic(100);
  }

  /** SLIC. */
  record Slic(int regions) implements Segmentation {
    public Slic {
      if (regions < 2) {
        throw new IllegalArgumentException("SLIC needs at least 2 regions, got " + regions);
      }
    }
  }

  /** Felzenszwalb–Huttenlocher. */
  record Felzenszwalb(float k, int minimumSize) implements Segmentation {}

  /** Mean shift. */
  record MeanShift(int spatialRadius, float colourRadius, int minimumSize) implements Segmentation {}

  /**
   * The superpixels of one image given as {@code channels} planes of {@code width x height}
   * values (any scale).
   */
  default Segments segment(float[][] planes, int width, int height) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float[] plane : planes) {
      for (float v : plane) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    float scale = hi > lo ? 255f / (hi - lo) : 0f;
    GrayS32 labels = new GrayS32(width, height);
    int count;
    if (planes.length == 1) {
      GrayF32 grey = band(planes[0], lo, scale, width, height);
      count = run(superpixels(ImageType.single(GrayF32.class)), grey, labels);
    } else {
      Planar<GrayF32> colour = new Planar<>(GrayF32.class, width, height, planes.length);
      for (int c = 0; c < planes.length; c++) {
        colour.bands[c] = band(planes[c], lo, scale, width, height);
      }
      count = run(superpixels(ImageType.pl(planes.length, GrayF32.class)), colour, labels);
    }
    int[] flat = new int[width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        flat[y * width + x] = labels.unsafe_get(x, y);
      }
    }
    return Segments.of(flat, count, width, height);
  }

  private <T extends ImageBase<T>> ImageSuperpixels<T> superpixels(ImageType<T> type) {
    // BoofCV's multi-threaded region merge (nested parallel loops in its own fork-join pool) was
    // seen to deadlock in the tests; the factories below build the single-threaded versions
    boofcv.concurrency.BoofConcurrency.USE_CONCURRENT = false;
    if (this instanceof Slic slic) {
      return FactoryImageSegmentation.slic(new ConfigSlic(slic.regions()), type);
    }
    if (this instanceof Felzenszwalb fh) {
      return FactoryImageSegmentation.fh04(new ConfigFh04(fh.k(), fh.minimumSize()), type);
    }
    MeanShift ms = (MeanShift) this;
    return FactoryImageSegmentation.meanShift(
        new ConfigSegmentMeanShift(ms.spatialRadius(), ms.colourRadius(), ms.minimumSize(), true), type);
  }

  private static <T extends ImageBase<T>> int run(ImageSuperpixels<T> segmenter, T image, GrayS32 labels) {
    segmenter.segment(image, labels);
    return segmenter.getTotalSuperpixels();
  }

  private static GrayF32 band(float[] plane, float lo, float scale, int width, int height) {
    GrayF32 band = new GrayF32(width, height);
    for (int i = 0; i < plane.length; i++) {
      band.data[i] = (plane[i] - lo) * scale;
    }
    return band;
  }
}
