package dev.lumen.core.quality;

import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.LayerChoice;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.ModelCard;
import dev.lumen.core.model.Task;
import dev.lumen.core.train.HeadExport;
import dev.lumen.core.train.HeadTrainer;
import dev.lumen.core.train.LinearHead;
import dev.lumen.core.train.PooledFeatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The data randomisation test of Adebayo et al. (NeurIPS 2018), on a head: two linear heads are
 * trained on the model's pooled feature map (its CAM layer, as {@code lumen train-head} does), one
 * on the studies' labels and one on the same labels shuffled between the studies, and a method's
 * maps of the findings on the two models are compared ({@link Similarity}). A method that explains
 * what the model learnt from the labels gives different maps for a head that learnt nothing; one
 * that shows the backbone's features (or the input) gives the same. Only the head is retrained —
 * the backbone is shared — so this tests the part of a map that depends on the label mapping, at
 * the cost of two head fits instead of two trainings of the whole network.
 */
public final class DataRandomisation {
  private DataRandomisation() {}

  /**
   * The two heads' models, each with how well its head fits its own training labels (accuracy
   * over the studies, per label for multi-label heads); closing them deletes their files.
   *
   * @param folder where the two models' files are
   * @param trained the head trained on the labels, on the backbone
   * @param shuffled the head trained on the shuffled labels
   * @param trainedFit the trained head's accuracy on the true labels
   * @param shuffledFit the shuffled head's accuracy on the shuffled labels it learnt
   */
  public record Heads(Path folder, Model trained, Model shuffled, double trainedFit, double shuffledFit)
      implements AutoCloseable {
    @Override
    public void close() {
      trained.close();
      shuffled.close();
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Trains the two heads on {@code model}'s CAM layer over {@code studies} with {@code truth}
   * ({@code [studies][labels]}), the shuffle drawn from {@code seed}; every study trains (no
   * validation split), for {@code epochs}.
   *
   * @throws IllegalArgumentException when a label is never present or never absent
   */
  public static Heads train(Model model, List<Image> studies, boolean[][] truth, List<String> labels, int epochs,
      long seed) throws IOException {
    LayerChoice layer = LayerChoice.of(model);
    return train(model, layer, PooledFeatures.of(model, layer.layer(), layer.layout(), studies), truth, labels, epochs,
        seed);
  }

  /**
   * {@link #train} on the exams or volumes of a volume model (a plane model's exams or a 3D CNN's
   * volumes), each read when its features are pooled ({@link PooledFeatures#of(Model, String,
   * dev.lumen.core.preprocess.Layout, Volume)}), so the studies need the memory of one.
   */
  public static Heads trainOnVolumes(Model model, List<Supplier<Volume>> studies, boolean[][] truth,
      List<String> labels, int epochs, long seed) throws IOException {
    LayerChoice layer = LayerChoice.of(model);
    float[][] features = studies.stream().map(v -> PooledFeatures.of(model, layer.layer(), layer.layout(), v.get()))
        .toArray(float[][]::new);
    return train(model, layer, features, truth, labels, epochs, seed);
  }

  private static Heads train(Model model, LayerChoice layer, float[][] features, boolean[][] truth,
      List<String> labels, int epochs, long seed) throws IOException {
    boolean[][] shuffled = truth.clone();
    Random random = new Random(seed);
    for (int i = shuffled.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      boolean[] t = shuffled[i];
      shuffled[i] = shuffled[j];
      shuffled[j] = t;
    }
    HeadTrainer.Settings settings = new HeadTrainer.Settings(epochs, 0.05, 1e-3, 0, 30, false, seed);
    Task task = HeadTrainer.taskFor(truth);
    LinearHead real = HeadTrainer.fit(features, truth, task, labels, settings, (stage, done, total) -> { });
    LinearHead noise = HeadTrainer.fit(features, shuffled, task, labels, settings, (stage, done, total) -> { });
    Path folder = Files.createTempDirectory("lumen-data-randomisation");
    Path realFile = folder.resolve("trained-labels.onnx");
    Path randomFile = folder.resolve("shuffled-labels.onnx");
    HeadExport.write(model, layer.layer(), layer.layout(), real, realFile);
    HeadExport.write(model, layer.layer(), layer.layout(), noise, randomFile);
    return new Heads(folder, load(realFile, model), load(randomFile, model), fit(real, features, truth),
        fit(noise, features, shuffled));
  }

  /** The mean similarity of the maps of {@code findings} (labels the heads know) by {@code explainer} on the heads. */
  public static Similarity compare(Heads heads, Function<Model, Explainer> explainer, List<Finding> findings) {
    return Similarity.mean(SanityCheck.maps(heads.trained(), explainer, findings),
        SanityCheck.maps(heads.shuffled(), explainer, findings));
  }

  private static Model load(Path file, Model backbone) {
    return Model.load(file, ModelCard.besideModel(file), backbone.options());
  }

  /** The head's accuracy on {@code y}: the top label for multi-class heads, each label at 0.5 for multi-label ones. */
  private static double fit(LinearHead head, float[][] x, boolean[][] y) {
    double right = 0;
    for (int i = 0; i < x.length; i++) {
      double[] p = head.probabilities(x[i]);
      if (head.task() == Task.MULTI_CLASS) {
        int top = 0;
        for (int c = 1; c < p.length; c++) {
          top = p[c] > p[top] ? c : top;
        }
        right += y[i][top] ? 1 : 0;
      } else {
        int agree = 0;
        for (int c = 0; c < p.length; c++) {
          agree += (p[c] >= 0.5) == y[i][c] ? 1 : 0;
        }
        right += (double) agree / p.length;
      }
    }
    return right / x.length;
  }
}
