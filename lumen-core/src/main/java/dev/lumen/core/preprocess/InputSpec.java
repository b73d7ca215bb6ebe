package dev.lumen.core.preprocess;

/**
 * What a model's image input looks like, inferred from the graph and completed by the model
 * card.
 *
 * @param name the graph input's name
 * @param rank 4 for images (and slices fed as the batch), 5 for {@code [1, slices, C, H, W]}
 *     exams and for 3D convolutional models' {@code [N, C, D, H, W]}
 * @param layout axis order of one image (of one slice, for 3D models: NCHW)
 * @param channels which channels the model reads
 * @param width input width
 * @param height input height
 * @param volume whether one input is a whole exam: its slices fed as the batch (MRNet) or, for
 *     a volumetric model, as the depth of one input
 * @param depth a volumetric model's input depth, 0 when the graph takes any
 * @param volumetric whether the model convolves in 3D over {@code [N, C, D, H, W]} (MONAI style)
 */
public record InputSpec(String name, int rank, Layout layout, Channels channels, int width,
                        int height, boolean volume, int depth, boolean volumetric) {
  public InputSpec {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("input size must be positive, got " + width + "x" + height);
    }
    if (rank != 4 && rank != 5) {
      throw new IllegalArgumentException("image inputs have rank 4 or 5, got " + rank);
    }
    if (volumetric && (rank != 5 || !volume || layout != Layout.NCHW)) {
      throw new IllegalArgumentException("volumetric inputs are [N, C, D, H, W] exams");
    }
  }

  /** An input of 2D images or of MRNet-style exams. */
  public InputSpec(String name, int rank, Layout layout, Channels channels, int width, int height, boolean volume) {
    this(name, rank, layout, channels, width, height, volume, 0, false);
  }

  /** The depth a volumetric model reads an exam of {@code slices} at: its fixed depth, or every slice. */
  public int depthFor(int slices) {
    return depth > 0 ? depth : slices;
  }

  /** The shape of a batch of {@code n} images, or of an exam of {@code n} slices. */
  public long[] shape(int n) {
    long c = channels.count();
    if (volumetric) {
      return new long[] {1, c, depthFor(n), height, width};
    }
    long[] one = layout == Layout.NCHW ? new long[] {n, c, height, width} : new long[] {n, height, width, c};
    if (rank == 4) {
      return one;
    }
    return new long[] {1, one[0], one[1], one[2], one[3]};
  }
}
