package dev.lumen.app.readme;

import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.cam.Cam;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Images;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.render.Overlay;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The Java example of the README, verbatim between the markers; ReadmeExampleTest runs it. */
public final class ReadmeExample {
  private ReadmeExample() {}

  /** Explains {@code study} with {@code modelFile} and writes overlays into {@code out}. */
  public static void run(Path modelFile, Path study, Path out) throws IOException {
    // README:BEGIN
    try (Model model = Model.load(modelFile)) {          // reads NAME.lumen.json beside it
      Image scan = Images.read(study);

      Prediction p = model.predict(scan);
      LabelScore best = p.best();
      System.out.printf("%s %.2f%n", best.label(), best.probability());

      Cam cam = Cam.of(model);                           // checks the head once
      Explanation top = cam.explain(scan);               // top predicted label
      List<Explanation> nodule = cam.explain(scan, Targets.labels(List.of("nodule")));

      float[] raw = top.raw().toArray();                 // [1, h, w] at the layer's resolution
      Overlay.original().writePng(scan, top.heatmap(0), out.resolve("top.png"));
      Overlay.original().writePng(scan, nodule.get(0).heatmap(0), out.resolve("nodule.png"));
    }
    // README:END
  }
}
