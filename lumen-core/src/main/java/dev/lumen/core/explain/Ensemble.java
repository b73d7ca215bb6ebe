package dev.lumen.core.explain;

import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * An explanation of an ensemble of models with the same labels: its prediction is the mean of
 * the members' probabilities, the targets are chosen from that mean, every member explains them
 * with the same method, and the ensemble's map is the mean of the members' normalised maps (in
 * the image's geometry, where members with different layers or input sizes meet). The raw map
 * is that mean too, as members' raw maps have different resolutions and scales.
 *
 * <p>Cost: one prediction per member and image, plus the method's cost per member.
 *
 * <pre>{@code
 * Ensemble ensemble = Ensemble.of(List.of(modelA, modelB), m -> GradientCam.of(m, CamFormula.GRADCAM));
 * Explanation e = ensemble.explain(Images.read(Path.of("study.png")));
 * }</pre>
 */
public final class Ensemble implements Explainer {
  private final List<Model> models;
  private final List<Explainer> members;

  private Ensemble(List<Model> models, List<Explainer> members) {
    this.models = List.copyOf(models);
    this.members = List.copyOf(members);
  }

  /**
   * The ensemble of {@code models}, each explained by {@code method}.
   *
   * @throws IllegalArgumentException if fewer than two models, or their labels differ
   */
  public static Ensemble of(List<Model> models, Function<Model, Explainer> method) {
    if (models.size() < 2) {
      throw new IllegalArgumentException("an ensemble needs at least two models, got " + models.size());
    }
    for (Model m : models) {
      if (!m.labels().equals(models.get(0).labels())) {
        throw new IllegalArgumentException("ensemble members must share their labels: " + models.get(0).name() + " has "
            + models.get(0).labels() + ", " + m.name() + " has " + m.labels());
      }
    }
    return new Ensemble(models, models.stream().map(method).toList());
  }

  @Override
  public String method() {
    return members.get(0).method();
  }

  @Override
  public String layer() {
    return String.join(" | ", members.stream().map(Explainer::layer).toList());
  }

  @Override
  public List<List<Explanation>> explain(List<Image> images, Targets targets, Progress progress) {
    List<List<Prediction>> predictions = new ArrayList<>();
    for (Model m : models) {
      predictions.add(m.predict(images));
    }
    List<List<Explanation>> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      int item = i;
      Prediction mean = mean(predictions.stream().map(p -> p.get(item)).toList());
      List<LabelScore> chosen = targets.select(models.get(0), mean);
      List<List<Explanation>> perMember = new ArrayList<>();
      for (Explainer member : members) {
        perMember.add(member.explain(List.of(images.get(i)), byIndex(chosen), Progress.none()).get(0));
      }
      out.add(combine(mean, chosen, perMember));
      progress.advance("images", i + 1, images.size());
    }
    return out;
  }

  @Override
  public List<Explanation> explain(Volume volume, Targets targets, Progress progress) {
    Prediction mean = mean(models.stream().map(m -> m.predict(volume)).toList());
    List<LabelScore> chosen = targets.select(models.get(0), mean);
    List<List<Explanation>> perMember = new ArrayList<>();
    for (int k = 0; k < members.size(); k++) {
      perMember.add(members.get(k).explain(volume, byIndex(chosen), Progress.none()));
      progress.advance("ensemble members", k + 1, members.size());
    }
    return combine(mean, chosen, perMember);
  }

  /** The mean of the members' probabilities. */
  private Prediction mean(List<Prediction> predictions) {
    Prediction first = predictions.get(0);
    List<LabelScore> scores = new ArrayList<>();
    for (int c = 0; c < first.scores().size(); c++) {
      double sum = 0;
      for (Prediction p : predictions) {
        sum += p.score(c).probability();
      }
      scores.add(new LabelScore(c, first.score(c).label(), (float) (sum / predictions.size())));
    }
    return new Prediction(first.source(), first.task(), scores);
  }

  private static Targets byIndex(List<LabelScore> chosen) {
    return Targets.labels(chosen.stream().map(s -> Integer.toString(s.index())).toList());
  }

  /** Per target, the mean of the members' normalised maps. */
  private List<Explanation> combine(Prediction mean, List<LabelScore> chosen, List<List<Explanation>> perMember) {
    List<Explanation> out = new ArrayList<>();
    String names = String.join("+", models.stream().map(Model::name).toList());
    String hashes = String.join("+", models.stream().map(Model::sha256).toList());
    for (int t = 0; t < chosen.size(); t++) {
      Tensor first = perMember.get(0).get(t).heatmap();
      float[] sum = new float[first.size()];
      for (List<Explanation> member : perMember) {
        Tensor heat = member.get(t).heatmap();
        if (heat.size() != sum.length) {
          throw new IllegalStateException("members gave maps of different geometry: " + first + " and " + heat);
        }
        for (int i = 0; i < sum.length; i++) {
          sum[i] += heat.get(i) / perMember.size();
        }
      }
      Tensor map = Tensor.of(sum, first.shape());
      Provenance member = perMember.get(0).get(t).provenance();
      out.add(new Explanation(mean.source(), mean, chosen.get(t), map, map,
          new Provenance(names, hashes, member.method(), layer(), member.lumenVersion())));
    }
    return out;
  }
}
