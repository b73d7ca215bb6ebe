package dev.lumen.core.preprocess;

/**
 * Where a model's input pixels came from in the original image: the image was resized to
 * {@code resizedWidth x resizedHeight} and the input cut out at {@code (cropX, cropY)}. Lets maps
 * computed on the input (or on a feature grid over it) be returned in the original geometry.
 *
 * @param sourceWidth original image width
 * @param sourceHeight original image height
 * @param resizedWidth width after resizing, before cropping
 * @param resizedHeight height after resizing, before cropping
 * @param cropX left edge of the crop in the resized image
 * @param cropY top edge of the crop in the resized image
 * @param inputWidth model input width
 * @param inputHeight model input height
 */
public record Geometry(int sourceWidth, int sourceHeight, int resizedWidth, int resizedHeight,
                       int cropX, int cropY, int inputWidth, int inputHeight) {

  /** Source coordinates of input pixels along x. */
  public AxisMap inputToSourceX() {
    return AxisMap.resize(sourceWidth, resizedWidth).shifted(cropX);
  }

  /** Source coordinates of input pixels along y. */
  public AxisMap inputToSourceY() {
    return AxisMap.resize(sourceHeight, resizedHeight).shifted(cropY);
  }

  /**
   * Coordinates on a feature grid {@code featureWidth} wide (covering the model input) of the
   * original image's pixels along x.
   */
  public AxisMap sourceToFeatureX(int featureWidth) {
    return AxisMap.resize(featureWidth, inputWidth)
        .after(new AxisMap(1, -cropX))
        .after(AxisMap.resize(resizedWidth, sourceWidth));
  }

  /** Like {@link #sourceToFeatureX} along y. */
  public AxisMap sourceToFeatureY(int featureHeight) {
    return AxisMap.resize(featureHeight, inputHeight)
        .after(new AxisMap(1, -cropY))
        .after(AxisMap.resize(resizedHeight, sourceHeight));
  }
}
