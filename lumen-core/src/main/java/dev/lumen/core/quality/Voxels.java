package dev.lumen.core.quality;

import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import java.util.ArrayList;
import java.util.List;

/**
 * A study as the perturbation measures change it: its values channel by channel over a grid of
 * {@code depth × height × width} voxels, each channel's voxels slice by slice and row by row — an
 * image is a grid one slice deep, a 3D model's volume the whole stack — so one definition of each
 * measure serves both, and a map's order runs over every voxel of the volume.
 *
 * @param source where the study came from, for messages
 * @param values {@code [channels][depth][height][width]}, flat
 * @param maxValue the top of the study's range (255 for 8-bit images)
 */
public record Voxels(String source, float[] values, int channels, int depth, int height, int width, float maxValue) {
  public Voxels {
    if ((long) channels * depth * height * width != values.length) {
      throw new IllegalArgumentException(source + ": " + values.length + " values for " + channels + " channels of "
          + depth + " x " + height + " x " + width + " voxels");
    }
  }

  /** An image, one slice deep. */
  public static Voxels of(Image image) {
    return new Voxels(image.source(), image.pixels().toArray(), image.channels(), 1, image.height(), image.width(),
        image.maxValue());
  }

  /** A volume's slices stacked in their order. */
  public static Voxels of(Volume volume) {
    Image first = volume.slices().get(0);
    int plane = first.width() * first.height();
    int size = volume.depth() * plane;
    float[] values = new float[first.channels() * size];
    float top = 0;
    for (int s = 0; s < volume.depth(); s++) {
      Image slice = volume.slices().get(s);
      float[] px = slice.pixels().unsafeData();
      for (int c = 0; c < first.channels(); c++) {
        System.arraycopy(px, c * plane, values, c * size + s * plane, plane);
      }
      top = Math.max(top, slice.maxValue());
    }
    return new Voxels(volume.source(), values, first.channels(), volume.depth(), first.height(), first.width(), top);
  }

  /** The number of voxels of one channel. */
  public int size() {
    return depth * height * width;
  }

  /** The longest of the grid's sides, to which the measures' default sizes are scaled. */
  public int longestSide() {
    return Math.max(depth, Math.max(height, width));
  }

  /** {@code values} (in this grid's layout) as the slices of {@code like}, a volume of this grid's shape. */
  static Volume asVolume(float[] values, Volume like) {
    Image first = like.slices().get(0);
    int plane = first.width() * first.height();
    int size = like.depth() * plane;
    List<Image> slices = new ArrayList<>();
    for (int s = 0; s < like.depth(); s++) {
      float[] px = new float[first.channels() * plane];
      for (int c = 0; c < first.channels(); c++) {
        System.arraycopy(values, c * size + s * plane, px, c * plane, plane);
      }
      slices.add(like.slices().get(s).withValues(px));
    }
    return new Volume(like.source(), slices);
  }
}
