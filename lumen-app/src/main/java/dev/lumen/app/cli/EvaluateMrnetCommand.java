package dev.lumen.app.cli;

import dev.lumen.app.exam.ExamModel;
import dev.lumen.app.exam.MrnetSplit;
import dev.lumen.app.exam.PlaneCombination;
import dev.lumen.app.exam.PlaneModels;
import dev.lumen.app.service.Methods;
import dev.lumen.core.LumenException;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Images;
import dev.lumen.core.image.Volume;
import dev.lumen.core.io.Npy;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.metrics.Roc;
import dev.lumen.core.runtime.EngineOptions;
import dev.lumen.core.tensor.Tensor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lumen evaluate-mrnet}: per-plane AUCs of MRNet-style models and their fitted combination. */
@Command(name = "evaluate-mrnet", mixinStandardHelpOptions = true, versionProvider = LumenVersion.class,
    description = "Score three per-plane volume models on a data set in the MRNet layout (DATA/train and DATA/valid "
        + "with axial, coronal and sagittal folders; DATA/{train,valid}-LABEL.csv): per-plane AUCs on the validation "
        + "split, and per label a logistic regression over the three plane probabilities fitted on the training split "
        + "and scored on the validation split, as in the MRNet work. The fitted combination is written as an exam "
        + "model (NAME" + ExamModel.SUFFIX + ") that lumen predict takes.")
final class EvaluateMrnetCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DATA", description = "The data set's folder (holding train/ and valid/).")
  Path data;

  @Option(names = "--axial", required = true, paramLabel = "MODEL", description = "The axial model.")
  Path axial;

  @Option(names = "--coronal", required = true, paramLabel = "MODEL", description = "The coronal model.")
  Path coronal;

  @Option(names = "--sagittal", required = true, paramLabel = "MODEL", description = "The sagittal model.")
  Path sagittal;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE",
      description = "The exam model to write (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("exams" + ExamModel.SUFFIX);

  @Option(names = "--json", paramLabel = "FILE", description = "Write the report as JSON.")
  Path json;

  @Option(names = "--explanations", paramLabel = "METHOD", split = ",",
      description = "Score these methods' maps of every plane against the findings' masks "
          + "(masks/PLANE/ID-LABEL.npy); all: every method.")
  List<String> explanations = List.of();

  @Mixin
  MethodSettingsOptions methodSettings;

  @Option(names = "--threads", description = "Threads per operator; 0 = one per core (default: ${DEFAULT-VALUE}).")
  int threads = 0;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!out.getFileName().toString().endsWith(ExamModel.SUFFIX)) {
      throw new IllegalArgumentException("--out must end with " + ExamModel.SUFFIX + ", got " + out);
    }
    List<String> methods = Methods.named(explanations);
    OutputPaths.requireWritableFile(out);
    OutputPaths.requireWritableFile(json);
    Map<String, Path> files = new LinkedHashMap<>();
    files.put("axial", axial);
    files.put("coronal", coronal);
    files.put("sagittal", sagittal);
    try (PlaneModels models = PlaneModels.load(files, EngineOptions.defaults().withIntraOpThreads(threads))) {
      List<String> labels = models.labels();
      MrnetSplit train = MrnetSplit.read(data.resolve("train"), labels);
      MrnetSplit valid = MrnetSplit.read(data.resolve("valid"), labels);
      if (!methods.isEmpty()) {
        requireMasks(valid, labels);
      }
      double[][][] trainScores = score(models, train);
      double[][][] validScores = score(models, valid);
      PlaneCombination combination = PlaneCombination.fit(labels, trainScores, truth(train, labels));
      boolean[][] validTruth = truth(valid, labels);
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("data", data.toString());
      report.put("trainExams", train.ids().size());
      report.put("validExams", valid.ids().size());
      Map<String, Object> aucs = new LinkedHashMap<>();
      for (int l = 0; l < labels.size(); l++) {
        Map<String, Object> perLabel = new LinkedHashMap<>();
        for (int p = 0; p < MrnetSplit.PLANES.size(); p++) {
          int plane = p;
          perLabel.put(MrnetSplit.PLANES.get(p), auc(validScores, validTruth, l, s -> s[plane]));
        }
        perLabel.put("combined", auc(validScores, validTruth, l, combination::combine));
        aucs.put(labels.get(l), perLabel);
      }
      report.put("validationAuc", aucs);
      String name = out.getFileName().toString().replace(ExamModel.SUFFIX, "");
      ExamModel.write(out, name, String.format(Locale.ROOT, "plane combination fitted by lumen evaluate-mrnet on %d "
          + "training exams of %s", train.ids().size(), data), files, combination);
      Reports.writeJson(json, report);
      if (!explanations.isEmpty()) {
        Map<String, Object> scores = new LinkedHashMap<>();
        report.put("explanations", scores);
        // each method's scores join the JSON report as they come: a long run stopped halfway keeps them
        explanationScores(models, valid, scores, () -> Reports.writeJson(json, report));
      }
      print(labels, aucs, report.get("explanations"));
    }
    return 0;
  }

  /** Fails, before any work, unless some validation exam with a finding has the finding's mask in some plane. */
  private static void requireMasks(MrnetSplit valid, List<String> labels) {
    boolean any = valid.ids().stream().anyMatch(id -> IntStream.range(0, labels.size())
        .anyMatch(l -> valid.truth().get(id)[l] && MrnetSplit.PLANES.stream()
            .anyMatch(plane -> Files.isRegularFile(valid.mask(id, plane, labels.get(l))))));
    if (!any) {
      throw new LumenException(valid.folder(), "--explanations scores maps against the findings' masks "
          + "(masks/PLANE/ID-LABEL.npy), and no validation exam with a finding has one");
    }
  }

  /**
   * Per method, plane and label: over the validation exams with the finding and its mask, the 3D
   * pointing game — the slice holding the map's largest raw value, then the peak of that slice's
   * map; a hit when it lies within the pointing tolerance of the finding on that slice.
   */
  private void explanationScores(PlaneModels models, MrnetSplit valid, Map<String, Object> out,
      Runnable afterEachMethod) {
    for (String method : Methods.named(explanations)) {
      Map<String, Object> perPlane = new LinkedHashMap<>();
      try (ProgressBar bar = ProgressBars.start(method, (long) MrnetSplit.PLANES.size() * valid.ids().size())) {
        for (String plane : MrnetSplit.PLANES) {
          try (Explainer explainer = Methods.create(method, models.model(plane), methodSettings.settings(), null)) {
            perPlane.put(plane, pointingGame(explainer, plane, models.labels(), valid, bar));
          }
        }
      }
      out.put(method, perPlane);
      afterEachMethod.run();
    }
  }

  /** Per label of one plane: the cases and the share of them the maps point at. */
  private static Map<String, Object> pointingGame(Explainer explainer, String plane, List<String> labels,
      MrnetSplit valid, ProgressBar bar) {
    int[] cases = new int[labels.size()];
    int[] hits = new int[labels.size()];
    for (String id : valid.ids()) {
      // one explanation of every finding of the exam that has a mask
      List<Integer> found = IntStream.range(0, labels.size())
          .filter(l -> valid.truth().get(id)[l] && Files.isRegularFile(valid.mask(id, plane, labels.get(l))))
          .boxed().toList();
      if (!found.isEmpty()) {
        Volume volume = Images.readNpyVolume(valid.stack(id, plane));
        List<Explanation> maps = explainer.explain(volume, Targets.labels(found.stream().map(labels::get).toList()));
        for (int t = 0; t < found.size(); t++) {
          int l = found.get(t);
          Tensor mask = Npy.read(valid.mask(id, plane, labels.get(l))).tensor();
          cases[l]++;
          hits[l] += pointsAtFinding(maps.get(t), mask, volume) ? 1 : 0;
        }
      }
      bar.step();
    }
    Map<String, Object> perLabel = new LinkedHashMap<>();
    for (int l = 0; l < labels.size(); l++) {
      if (cases[l] > 0) {
        perLabel.put(labels.get(l), Map.of("cases", cases[l], "pointingGame", (double) hits[l] / cases[l]));
      }
    }
    return perLabel;
  }

  private static boolean pointsAtFinding(Explanation map, Tensor mask, Volume volume) {
    if (mask.rank() != 3 || mask.dim(0) != map.slices()) {
      throw new LumenException(Path.of(volume.source()), "mask has shape " + java.util.Arrays.toString(mask.shape())
          + " but the stack has " + map.slices() + " slices");
    }
    int hottest = 0;
    for (int s = 1; s < map.slices(); s++) {
      hottest = max(map.raw().slice(s)) > max(map.raw().slice(hottest)) ? s : hottest;
    }
    int width = volume.slices().get(0).width();
    return MapAgreement.pointingHit(map.heatmap(hottest).unsafeData(), mask.slice(hottest).unsafeData(), width,
        MapAgreement.pointingTolerance(Math.max(width, volume.slices().get(0).height())));
  }

  private static float max(Tensor t) {
    float m = Float.NEGATIVE_INFINITY;
    for (float v : t.unsafeData()) {
      m = Math.max(m, v);
    }
    return m;
  }

  private static double[][][] score(PlaneModels models, MrnetSplit split) {
    double[][][] scores = new double[split.ids().size()][][];
    try (ProgressBar bar = ProgressBars.start("score " + split.folder().getFileName(), scores.length)) {
      for (int e = 0; e < scores.length; e++) {
        scores[e] = models.scores(split, split.ids().get(e));
        bar.step();
      }
    }
    return scores;
  }

  private static boolean[][] truth(MrnetSplit split, List<String> labels) {
    return split.ids().stream().map(split.truth()::get).toArray(boolean[][]::new);
  }

  /** The AUC of one label's {@code score} of every exam, or null when the split has one class only. */
  private static Double auc(double[][][] scores, boolean[][] truth, int label,
      java.util.function.Function<double[][], double[]> score) {
    float[] s = new float[scores.length];
    boolean[] positive = new boolean[scores.length];
    for (int e = 0; e < scores.length; e++) {
      s[e] = (float) score.apply(scores[e])[label];
      positive[e] = truth[e][label];
    }
    int positives = 0;
    for (boolean b : positive) {
      positives += b ? 1 : 0;
    }
    return positives == 0 || positives == s.length ? null : Roc.of(s, positive).auc();
  }

  private void print(List<String> labels, Map<String, Object> aucs, Object explained) {
    PrintWriter console = spec.commandLine().getOut();
    console.printf(Locale.ROOT, "validation AUC%n%-12s %9s %9s %9s %9s%n", "label", "axial", "coronal", "sagittal",
        "combined");
    for (String label : labels) {
      Map<?, ?> a = (Map<?, ?>) aucs.get(label);
      console.printf(Locale.ROOT, "%-12s %9s %9s %9s %9s%n", label, number(a.get("axial")), number(a.get("coronal")),
          number(a.get("sagittal")), number(a.get("combined")));
    }
    if (explained instanceof Map<?, ?> methods) {
      methods.forEach((method, planes) -> ((Map<?, ?>) planes).forEach((plane, perLabel) ->
          ((Map<?, ?>) perLabel).forEach((label, scores) -> console.printf(Locale.ROOT,
              "%-20s %-9s %-10s cases %3d  pointing %.3f%n", method, plane, label,
              (Integer) ((Map<?, ?>) scores).get("cases"), (Double) ((Map<?, ?>) scores).get("pointingGame")))));
    }
    console.printf(Locale.ROOT, "wrote the fitted combination to %s (lumen predict %s EXAMS_FOLDER)%n", out, out);
    console.flush();
  }

  private static String number(Object v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.3f", (Double) v);
  }
}
