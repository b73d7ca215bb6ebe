package dev.lumen.app.exam;

import dev.lumen.core.image.Images;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.ModelCard;
import dev.lumen.core.runtime.EngineOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The three per-plane volume models of an MRNet-style classifier, which share their labels. */
public final class PlaneModels implements AutoCloseable {
  private final Map<String, Model> models;

  private PlaneModels(Map<String, Model> models) {
    this.models = models;
  }

  /**
   * Loads the model of every plane in {@link MrnetSplit#PLANES} from {@code files} (each with its
   * card beside it).
   *
   * @throws IllegalArgumentException if a plane has no model, a model does not take volumes, or
   *     the models' labels differ
   */
  public static PlaneModels load(Map<String, Path> files, EngineOptions options) {
    Map<String, Model> models = new LinkedHashMap<>();
    try {
      for (String plane : MrnetSplit.PLANES) {
        Path file = files.get(plane);
        if (file == null) {
          throw new IllegalArgumentException("no model for the " + plane + " plane");
        }
        Model model = Model.load(file, ModelCard.besideModel(file), options);
        models.put(plane, model);
        model.requireVolume(plane + " stacks");
        List<String> first = models.values().iterator().next().labels();
        if (!model.labels().equals(first)) {
          throw new IllegalArgumentException("plane models must share their labels: " + model.name() + " has "
              + model.labels() + ", " + models.values().iterator().next().name() + " has " + first);
        }
      }
    } catch (RuntimeException e) {
      models.values().forEach(Model::close);
      throw e;
    }
    return new PlaneModels(models);
  }

  /** The labels every plane model scores. */
  public List<String> labels() {
    return models.get(MrnetSplit.PLANES.get(0)).labels();
  }

  /** The model of {@code plane}. */
  public Model model(String plane) {
    return models.get(plane);
  }

  /** Exam {@code id}'s probabilities, {@code [plane][label]}, planes in {@link MrnetSplit#PLANES} order. */
  public double[][] scores(MrnetSplit split, String id) {
    double[][] out = new double[MrnetSplit.PLANES.size()][];
    for (int p = 0; p < out.length; p++) {
      String plane = MrnetSplit.PLANES.get(p);
      var prediction = models.get(plane).predict(Images.readNpyVolume(split.stack(id, plane)));
      out[p] = new double[labels().size()];
      for (int l = 0; l < out[p].length; l++) {
        out[p][l] = prediction.score(l).probability();
      }
    }
    return out;
  }

  @Override
  public void close() {
    models.values().forEach(Model::close);
  }
}
