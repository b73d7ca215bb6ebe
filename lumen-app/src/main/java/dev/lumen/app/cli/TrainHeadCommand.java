package dev.lumen.app.cli;

import dev.lumen.app.service.Studies;
import dev.lumen.app.evaluate.LabelledStudies;
import dev.lumen.core.LumenException;
import dev.lumen.core.explain.LayerChoice;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Task;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.train.HeadExport;
import dev.lumen.core.train.HeadTrainer;
import dev.lumen.core.train.LinearHead;
import dev.lumen.core.train.PooledFeatures;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lumen train-head}: a new model from a frozen backbone and a trained linear head on its pooled features. */
@Command(name = "train-head", mixinStandardHelpOptions = true, versionProvider = LumenVersion.class,
    description = {"Cut MODEL at a feature layer, add global average pooling and a linear head trained on DATASET "
        + "(a labels CSV, as for evaluate), and write the new model with its card: one CAM explains.",
        "Volume models pool each slice and take the maximum over slices, as MRNet."})
final class TrainHeadCommand implements Callable<Integer> {
  @Mixin
  ModelOptions options;

  @Parameters(index = "1", paramLabel = "DATASET", description = "The labels CSV; its labels become the new model's.")
  Path dataset;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "The ONNX file to write (card beside it).")
  Path out;

  @Option(names = "--layer", paramLabel = "TENSOR", description = "The feature map to pool (default: the model's).")
  String layer;

  @Option(names = "--head-task", description = "multi-class or multi-label (default: multi-class when every study has one label).")
  String headTask;

  @Option(names = "--epochs", description = "Most epochs (default: ${DEFAULT-VALUE}).")
  int epochs = 500;

  @Option(names = "--learning-rate", description = "Adam's step (default: ${DEFAULT-VALUE}).")
  double learningRate = 0.05;

  @Option(names = "--l2", description = "Weight penalty (default: ${DEFAULT-VALUE}).")
  double l2 = 1e-3;

  @Option(names = "--validation", description = "Share of studies held out for early stopping (default: ${DEFAULT-VALUE}).")
  double validation = 0.2;

  @Option(names = "--patience", description = "Epochs without a better validation loss before stopping (default: ${DEFAULT-VALUE}).")
  int patience = 30;

  @Option(names = "--class-weights", description = "none or balanced (default: ${DEFAULT-VALUE}).")
  String classWeights = "none";

  @Option(names = "--seed", description = "Seed of the validation split (default: ${DEFAULT-VALUE}).")
  long seed = 0;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    boolean balanced = switch (classWeights.toLowerCase(Locale.ROOT)) {
      case "none" -> false;
      case "balanced" -> true;
      default -> throw new IllegalArgumentException("unknown --class-weights '" + classWeights + "': none or balanced");
    };
    OutputPaths.requireNotInput(out, options.model);
    OutputPaths.requireWritableFile(out);
    List<String> labels = LabelledStudies.labelsOf(dataset);
    LabelledStudies data = LabelledStudies.read(dataset, labels);
    boolean[][] truth = data.studies().stream().map(LabelledStudies.Study::truth).toArray(boolean[][]::new);
    Task kind = headTask != null ? Task.fromCardName(headTask) : HeadTrainer.taskFor(truth);
    try (Model model = options.load()) {
      LayerChoice choice = LayerChoice.of(model);
      String feature = layer != null ? layer : choice.layer();
      Layout layout = feature.equals(choice.layer()) ? choice.layout() : model.input().layout();
      List<Path> files = data.studies().stream().map(LabelledStudies.Study::image).toList();
      float[][] features;
      if (model.input().volume()) {
        List<float[]> rows = new ArrayList<>();
        for (Path file : files) {
          rows.add(PooledFeatures.of(model, feature, layout, Studies.volume(model, file)));
        }
        features = rows.toArray(float[][]::new);
      } else {
        features = PooledFeatures.of(model, feature, layout, Studies.images(model, files));
      }
      HeadTrainer.Settings settings = new HeadTrainer.Settings(epochs, learningRate, l2, validation, patience, balanced, seed);
      LinearHead head;
      try (ProgressBar bar = ProgressBars.start("train-head", epochs)) {
        Progress progress = (stage, done, total) -> bar.stepTo(done);
        head = HeadTrainer.fit(features, truth, kind, labels, settings, progress);
      } catch (IllegalArgumentException e) {
        throw new LumenException(dataset, e.getMessage(), e);
      }
      HeadExport.write(model, feature, layout, head, out);
      PrintWriter console = spec.commandLine().getOut();
      console.printf(Locale.ROOT, "wrote %s (%s, labels %s, %d features of %s, %d epochs, validation accuracy %.3f)%n",
          out, kind.cardName(), labels, features[0].length, feature, head.epochs(), head.validationAccuracy());
      console.flush();
    }
    return 0;
  }
}
