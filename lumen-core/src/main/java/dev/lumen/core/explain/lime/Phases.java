package dev.lumen.core.explain.lime;

/**
 * Where one LIME explanation spent its time, in milliseconds: cutting the image into
 * superpixels, making the perturbed copies, scoring them with the model (the floor: the samples
 * must be scored), and fitting the surrogate of every target.
 *
 * @param segmentation superpixels of every slice
 * @param perturbation making the copies
 * @param inference running the model on them
 * @param fit feature selection and the ridge fits
 */
public record Phases(double segmentation, double perturbation, double inference, double fit) {

  /** The total. */
  public double total() {
    return segmentation + perturbation + inference + fit;
  }
}
