package dev.lumen.core.explain;

import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import java.util.List;

/**
 * An explanation method bound to a model (and usually a layer), compiled once and reused for
 * every image. Implementations document their cost per image.
 *
 * <p>With no targets, an explainer explains the top predicted label, as pytorch-grad-cam and
 * Captum do.
 */
public interface Explainer extends AutoCloseable {

  /** The method's short name, as {@code lumen explain --method} takes it. */
  String method();

  /** The layer (tensor) the method explains. */
  String layer();

  /**
   * Explains {@code targets} for every image, batching the model runs, reporting to
   * {@code progress} between batches. The result holds, per image in order, one explanation per
   * selected target.
   *
   * @throws ExplanationCancelledException if {@code progress} asks to stop
   */
  List<List<Explanation>> explain(List<Image> images, Targets targets, Progress progress);

  /**
   * Explains {@code targets} for one exam of a volume model, reporting to {@code progress}:
   * maps have one slice per slice.
   *
   * @throws ExplanationCancelledException if {@code progress} asks to stop
   */
  List<Explanation> explain(Volume volume, Targets targets, Progress progress);

  /** Explains {@code targets} for every image (see {@link #explain(List, Targets, Progress)}). */
  default List<List<Explanation>> explain(List<Image> images, Targets targets) {
    return explain(images, targets, Progress.none());
  }

  /** Explains {@code targets} for one exam of a volume model. */
  default List<Explanation> explain(Volume volume, Targets targets) {
    return explain(volume, targets, Progress.none());
  }

  /** Explains the top predicted label of {@code image}. */
  default Explanation explain(Image image) {
    return explain(List.of(image), Targets.top1()).get(0).get(0);
  }

  /** Explains {@code targets} for {@code image}. */
  default List<Explanation> explain(Image image, Targets targets) {
    return explain(List.of(image), targets).get(0);
  }

  /** Releases what the explainer holds (the model stays open). Safe to call twice. */
  @Override
  default void close() {}
}
