package dev.lumen.core.preprocess;

/**
 * What a model's image input looks like, inferred from the graph and completed by the model
 * card.
 *
 * @param name the graph input's name
 * @param rank 4 for images (and slices fed as the batch), 5 for {@code [1, slices, C, H, W]}
 * @param layout axis order of one image
 * @param channels which channels the model reads
 * @param width input width
 * @param height input height
 * @param volume whether one input is a whole exam whose slices are fed as the batch (MRNet)
 */
public record InputSpec(String name, int rank, Layout layout, Channels channels, int width,
                        int height, boolean volume) {
  public InputSpec {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("input size must be positive, got " + width + "x" + height);
    }
    if (rank != 4 && rank != 5) {
      throw new IllegalArgumentException("image inputs have rank 4 or 5, got " + rank);
    }
  }

  /** The shape of a batch of {@code n} images, or of an exam of {@code n} slices. */
  public long[] shape(int n) {
    long c = channels.count();
    long[] one = layout == Layout.NCHW ? new long[] {n, c, height, width} : new long[] {n, height, width, c};
    if (rank == 4) {
      return one;
    }
    return new long[] {1, one[0], one[1], one[2], one[3]};
  }
}
