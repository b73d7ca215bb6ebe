package dev.lumen.app.cli;

import dev.lumen.app.evaluate.Evaluation;
import dev.lumen.app.evaluate.LabelledStudies;
import dev.lumen.app.evaluate.RocPlot;
import dev.lumen.app.service.Methods;
import dev.lumen.core.LumenException;
import dev.lumen.core.Ranges;
import dev.lumen.core.explain.Ensemble;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Images;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.metrics.Roc;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.ModelCard;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
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

/** {@code lumen evaluate}: a classifier's (or an ensemble's) scores, and its explanations' agreement with masks. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = LumenVersion.class,
    description = "Score MODEL on a labelled DATASET (a CSV: image, then 0/1 per label or a 'label' column, "
        + "optional mask:LABEL columns): AUC per label and macro, sensitivity, specificity, accuracy and confusion "
        + "at a threshold, ROC curves; with --explanations, the pointing game (15 px at 224, scaled), energy "
        + "inside and IoU of each method's maps against the masks.")
final class EvaluateCommand implements Callable<Integer> {
  @Mixin
  ModelOptions options;

  @Parameters(index = "1", paramLabel = "DATASET", description = "The labels CSV; image and mask paths are relative to it.")
  Path dataset;

  @Option(names = "--ensemble", paramLabel = "MODEL", split = ",", description = "More models (same labels) to average with MODEL.")
  List<Path> ensemble = List.of();

  @Option(names = "--weights", split = ",", description = "Ensemble weights, MODEL first (default: equal).")
  double[] weights;

  @Option(names = "--threshold", description = "Probability at or above which a label is called (default: ${DEFAULT-VALUE}).")
  double threshold = 0.5;

  @Option(names = "--json", paramLabel = "FILE", description = "Write the whole report as JSON.")
  Path json;

  @Option(names = "--roc", paramLabel = "FILE", description = "Plot the ROC curves (.png or .svg).")
  Path roc;

  @Option(names = "--explanations", paramLabel = "METHOD", split = ",",
      description = "Score these methods' maps against the mask:LABEL columns (all: every method).")
  List<String> explanations = List.of();

  @Mixin
  MethodSettingsOptions methodSettings;

  @Option(names = "--against", paramLabel = "REGION",
      description = "Score the maps of every positive study against its region:REGION mask (a marker, say) "
          + "instead of its findings' masks.")
  String against;

  @Option(names = "--iou-threshold", description = "Heat at or above which a pixel counts for IoU (default: ${DEFAULT-VALUE}).")
  double iouThreshold = 0.5;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Methods.named(explanations);
    Ranges.requireUnit("--threshold", threshold);
    Ranges.requireUnit("--iou-threshold", iouThreshold);
    OutputPaths.requireWritableFile(json);
    OutputPaths.requireWritableFile(roc);
    List<Model> others = new ArrayList<>();
    try (Model model = options.load()) {
      try {
        for (Path member : ensemble) {
          others.add(Model.load(member, ModelCard.besideModel(member), model.options()));
        }
        return evaluate(model, others);
      } finally {
        others.forEach(Model::close);
      }
    }
  }

  private int evaluate(Model model, List<Model> others) throws Exception {
    List<Model> all = new ArrayList<>(List.of(model));
    all.addAll(others);
    double[] w = memberWeights(all.size());
    for (Model m : others) {
      if (!m.labels().equals(model.labels())) {
        throw new IllegalArgumentException("ensemble members must share their labels: " + model.name() + " has "
            + model.labels() + ", " + m.name() + " has " + m.labels());
      }
    }
    model.requireImages();
    LabelledStudies data = LabelledStudies.read(dataset, model.labels());
    if (!explanations.isEmpty()) {
      requireScoringMasks(data);
    }
    List<Path> files = data.studies().stream().map(LabelledStudies.Study::image).toList();
    List<Image> images = Studies.images(model, files);
    float[][] probabilities = new float[images.size()][model.labels().size()];
    for (int m = 0; m < all.size(); m++) {
      var predictions = all.get(m).predict(images);
      for (int s = 0; s < images.size(); s++) {
        for (int c = 0; c < model.labels().size(); c++) {
          probabilities[s][c] += (float) (w[m] * predictions.get(s).score(c).probability());
        }
      }
    }
    // only the labels the CSV annotates are scored: a label without a column is unknown, not absent
    List<Integer> scored = data.annotated();
    List<String> scoredLabels = scored.stream().map(model.labels()::get).toList();
    float[][] scoredProbabilities = new float[images.size()][scored.size()];
    boolean[][] truth = new boolean[images.size()][scored.size()];
    for (int s = 0; s < images.size(); s++) {
      for (int c = 0; c < scored.size(); c++) {
        scoredProbabilities[s][c] = probabilities[s][scored.get(c)];
        truth[s][c] = data.studies().get(s).truth()[scored.get(c)];
      }
    }
    List<Roc> curves = new ArrayList<>();
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("models", all.stream().map(Model::name).toList());
    report.put("weights", w);
    report.put("dataset", dataset.toString());
    report.putAll(Evaluation.report(scoredLabels, scoredProbabilities, truth, threshold, curves));
    if (!explanations.isEmpty()) {
      Map<String, Object> scores = new LinkedHashMap<>();
      report.put("explanations", scores);
      // each method's scores join the JSON report as they come: a long run stopped halfway keeps them
      explanationScores(model, all, data, images, scores, () -> Reports.writeJson(json, report));
    }
    print(report);
    Reports.writeJson(json, report);
    if (roc != null) {
      List<String> names = new ArrayList<>();
      List<Roc> drawn = new ArrayList<>();
      for (int c = 0; c < curves.size(); c++) {
        if (curves.get(c) != null) {
          names.add(scoredLabels.get(c));
          drawn.add(curves.get(c));
        }
      }
      RocPlot.write(roc, names, drawn);
    }
    return 0;
  }

  private double[] memberWeights(int members) {
    double[] w = new double[members];
    if (weights == null) {
      java.util.Arrays.fill(w, 1.0 / members);
      return w;
    }
    if (weights.length != members) {
      throw new IllegalArgumentException("--weights gives " + weights.length + " weights for " + members + " models");
    }
    for (double weight : weights) {
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("--weights must be finite and at least 0, got " + weight);
      }
    }
    double total = java.util.Arrays.stream(weights).sum();
    if (total <= 0) {
      throw new IllegalArgumentException("--weights must add up to more than 0");
    }
    for (int i = 0; i < members; i++) {
      w[i] = weights[i] / total;
    }
    return w;
  }

  /** Fails, before any work, when the CSV has no mask to score maps against. */
  private void requireScoringMasks(LabelledStudies data) {
    if (against != null && data.studies().stream().noneMatch(s -> s.regions().containsKey(against))) {
      throw new LumenException(dataset, "has no region:" + against + " masks for --against");
    }
    boolean anyMask = data.studies().stream().anyMatch(s -> s.masks().keySet().stream().anyMatch(l -> s.truth()[l]));
    if (against == null && !anyMask) {
      throw new LumenException(dataset, "--explanations scores maps against the findings' masks (mask:LABEL "
          + "columns), and no study with a finding has one");
    }
  }

  /**
   * Per method and label: mean pointing game, energy inside and IoU over the positive studies with
   * a mask of the finding, or with a mask of the region named by {@code --against}.
   */
  private void explanationScores(Model model, List<Model> all, LabelledStudies data, List<Image> images,
      Map<String, Object> out, Runnable afterEachMethod) {
    for (String method : Methods.named(explanations)) {
      Map<String, double[]> sums = new LinkedHashMap<>();   // label -> {cases, hits, energy, iou}
      try (Explainer explainer = all.size() == 1 ? Methods.create(method, model, methodSettings.settings(), null)
          : Ensemble.of(all, m -> Methods.create(method, m, methodSettings.settings(), null));
          ProgressBar bar = ProgressBars.start(method, images.size())) {
        for (int s = 0; s < images.size(); s++) {
          bar.step();
          LabelledStudies.Study study = data.studies().get(s);
          Path againstMask = against == null ? null : study.regions().get(against);
          List<Integer> labels = against == null
              ? study.masks().keySet().stream().filter(l -> study.truth()[l]).toList()
              : IntStream.range(0, study.truth().length).filter(l -> study.truth()[l] && againstMask != null)
                  .boxed().toList();
          if (labels.isEmpty()) {
            continue;
          }
          Image image = images.get(s);
          // one explanation of every masked finding of the study
          var explained = explainer.explain(image, Targets.labels(labels.stream().map(String::valueOf).toList()));
          for (int t = 0; t < labels.size(); t++) {
            float[] heat = explained.get(t).heatmap(0).unsafeData();
            float[] region = maskPlane(againstMask != null ? againstMask : study.masks().get(labels.get(t)), image);
            double[] sum = sums.computeIfAbsent(model.labels().get(labels.get(t)), k -> new double[4]);
            sum[0]++;
            sum[1] += MapAgreement.pointingHit(heat, region, image.width(),
                MapAgreement.pointingTolerance(Math.max(image.width(), image.height()))) ? 1 : 0;
            sum[2] += MapAgreement.energyInside(heat, region);
            sum[3] += MapAgreement.iou(heat, region, iouThreshold);
          }
        }
      }
      Map<String, Object> perLabel = new LinkedHashMap<>();
      sums.forEach((label, sum) -> perLabel.put(label, Map.of("cases", (int) sum[0], "pointingGame", sum[1] / sum[0],
          "energyInside", sum[2] / sum[0], "iou", sum[3] / sum[0])));
      out.put(method, perLabel);
      afterEachMethod.run();
    }
  }

  /** A mask image as one plane, non-zero on the finding; it must have the study's size. */
  private static float[] maskPlane(Path file, Image study) {
    Image mask = Images.read(file);
    if (mask.width() != study.width() || mask.height() != study.height()) {
      throw new LumenException(file, "mask is " + mask.width() + "x" + mask.height() + " but its study is "
          + study.width() + "x" + study.height());
    }
    float[] out = new float[mask.width() * mask.height()];
    float[] px = mask.pixels().unsafeData();
    for (int i = 0; i < px.length; i++) {
      out[i % out.length] = Math.max(out[i % out.length], px[i]);
    }
    return out;
  }

  private void print(Map<String, Object> report) {
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%d studies, threshold %.2f%n", (Integer) report.get("studies"), threshold);
    out.printf(Locale.ROOT, "%-20s %9s %9s %7s %7s %7s %7s%n", "label", "positives", "negatives", "AUC", "sens", "spec", "acc");
    for (Object o : (List<?>) report.get("labels")) {
      Map<?, ?> l = (Map<?, ?>) o;
      out.printf(Locale.ROOT, "%-20s %9d %9d %7s %7s %7s %7.3f%n", l.get("label"), (Integer) l.get("positives"),
          (Integer) l.get("negatives"), number(l.get("auc")), number(l.get("sensitivity")), number(l.get("specificity")),
          (Double) l.get("accuracy"));
    }
    out.printf(Locale.ROOT, "macro AUC %s%n", number(report.get("macroAuc")));
    if (report.get("multiClass") instanceof Map<?, ?> m) {
      out.printf(Locale.ROOT, "top-label accuracy %.3f%n", (Double) m.get("accuracy"));
    }
    if (report.get("explanations") instanceof Map<?, ?> e) {
      e.forEach((method, perLabel) -> ((Map<?, ?>) perLabel).forEach((label, scores) -> {
        Map<?, ?> sc = (Map<?, ?>) scores;
        out.printf(Locale.ROOT, "%-20s %-12s cases %3d  pointing %.3f  energy inside %.3f  IoU %.3f%n", method, label,
            (Integer) sc.get("cases"), (Double) sc.get("pointingGame"), (Double) sc.get("energyInside"),
            (Double) sc.get("iou"));
      }));
    }
    out.flush();
  }

  private static String number(Object v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.3f", (Double) v);
  }
}
