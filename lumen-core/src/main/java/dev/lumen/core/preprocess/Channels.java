package dev.lumen.core.preprocess;

/** Which colour channels the model reads, in which order. */
public enum Channels {
  /** One grey channel; colour images are converted with ITU-R BT.601 luma weights. */
  GRAYSCALE,
  /** Red, green, blue; grey images are repeated into all three. */
  RGB,
  /** Blue, green, red, as OpenCV and Caffe models read them. */
  BGR;

  /** How many channels the model reads. */
  public int count() {
    return this == GRAYSCALE ? 1 : 3;
  }
}
