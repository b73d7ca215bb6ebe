package dev.lumen.core.quality;

import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import java.util.List;
import java.util.function.Supplier;

/**
 * A finding whose map the randomisation tests make again on changed models: its study — an image,
 * or a volume read each time it is needed, so a data set of volumes needs the memory of one — and
 * the label explained (a name or an index).
 *
 * @param image the study when it is an image, else null
 * @param volume the study when it is a volume, else null
 * @param target the label
 */
public record Finding(Image image, Supplier<Volume> volume, String target) {
  public Finding {
    if ((image == null) == (volume == null) || target == null) {
      throw new IllegalArgumentException("a finding is one image or one volume, and a label");
    }
  }

  /** The finding of {@code target} on {@code image}. */
  public static Finding of(Image image, String target) {
    return new Finding(image, null, target);
  }

  /** The finding of {@code target} on the volume {@code volume} reads. */
  public static Finding of(Supplier<Volume> volume, String target) {
    return new Finding(null, volume, target);
  }

  /** The target's map by {@code explainer}. */
  public Explanation explain(Explainer explainer) {
    Targets targets = Targets.labels(List.of(target));
    return (image != null ? explainer.explain(image, targets) : explainer.explain(volume.get(), targets)).get(0);
  }
}
