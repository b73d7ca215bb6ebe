package dev.lumen.app.cli;

import dev.lumen.app.evaluate.QualityMeasures;
import dev.lumen.app.evaluate.LinePlot;
import dev.lumen.app.evaluate.QualityCurves;
import dev.lumen.app.evaluate.StudyEvaluation;
import dev.lumen.app.service.Methods;
import dev.lumen.core.Ranges;
import dev.lumen.core.metrics.Roc;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.ModelCard;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
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
        + "inside and IoU of each method's maps against the masks, and with --quality deletion, insertion, "
        + "relevance rank, sparseness and entropy. For a volume model the CSV names volumes and mask volumes; a "
        + "plane model's map is scored on the slice it ranks hottest, a 3D CNN's over the whole volume.")
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

  @Mixin
  QualityOptions quality;

  @Option(names = "--curves", paramLabel = "DIR", description = "Plot each quality curve (deletion, insertion, ROAD, "
      + "pixel flipping) per label, every method in one plot, as PNG and SVG into DIR.")
  Path curves;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Methods.named(explanations);
    List<String> measures = quality.measures();
    QualityMeasures.Settings qualitySettings = quality.settings();
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
        return evaluate(model, others, measures, qualitySettings);
      } finally {
        others.forEach(Model::close);
      }
    }
  }

  private int evaluate(Model model, List<Model> others, List<String> measures,
      QualityMeasures.Settings qualitySettings) throws java.io.IOException {
    List<Model> all = new ArrayList<>(List.of(model));
    all.addAll(others);
    StudyEvaluation.Request request = new StudyEvaluation.Request(dataset, threshold, explanations,
        methodSettings.settings(), against, iouThreshold, measures, qualitySettings);
    StudyEvaluation.Result result;
    try (ProgressBars.Follower bars = ProgressBars.follow()) {
      result = StudyEvaluation.run(all, weights, request, bars, report -> Reports.writeJson(json, report));
    }
    Map<String, Object> report = result.report();
    print(report, measures);
    Reports.writeJson(json, report);
    if (roc != null) {
      List<String> names = new ArrayList<>();
      List<Roc> drawn = new ArrayList<>();
      for (int c = 0; c < result.curves().size(); c++) {
        if (result.curves().get(c) != null) {
          names.add(result.labels().get(c));
          drawn.add(result.curves().get(c));
        }
      }
      LinePlot.roc(roc, names, drawn);
    }
    if (curves != null) {
      QualityCurves.write(curves, report);
    }
    return 0;
  }

  private void print(Map<String, Object> report, List<String> measures) {
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
        StringBuilder line = new StringBuilder();
        for (String field : QualityMeasures.fields(QualityMeasures.perFinding(measures))) {
          line.append(String.format(Locale.ROOT, "  %s %.3f", field, (Double) sc.get(field)));
        }
        out.printf(Locale.ROOT, "%-20s %-12s cases %3d  pointing %.3f  energy inside %.3f  IoU %.3f%s%n", method, label,
            (Integer) sc.get("cases"), (Double) sc.get("pointingGame"), (Double) sc.get("energyInside"),
            (Double) sc.get("iou"), line);
      }));
    }
    if (report.get("sanity") instanceof Map<?, ?> sanity) {
      sanity.forEach((method, tests) -> ((Map<?, ?>) tests).forEach((test, steps) -> {
        out.printf(Locale.ROOT, "sanity check of %s, %s: similarity to the original maps as layers are re-drawn from "
            + "the top (Spearman of |map|, Spearman, SSIM, HOG)%n", method, test);
        for (Object o : (List<?>) steps) {
          Map<?, ?> step = (Map<?, ?>) o;
          out.printf(Locale.ROOT, "  %3d  %-40s %6.3f %6.3f %6.3f %6.3f%n", (Integer) step.get("randomisedLayers"),
              step.get("layer"), (Double) step.get("spearmanOfAbsolute"), (Double) step.get("spearman"),
              (Double) step.get("ssim"), (Double) step.get("hog"));
        }
      }));
    }
    if (report.get("dataRandomisation") instanceof Map<?, ?> test) {
      out.printf(Locale.ROOT, "data randomisation: heads fit their labels %.3f (true) and %.3f (shuffled); the maps' "
          + "similarity between them (Spearman of |map|, Spearman, SSIM, HOG)%n", (Double) test.get("trainedFit"),
          (Double) test.get("shuffledFit"));
      test.forEach((method, value) -> {
        if (value instanceof Map<?, ?> s) {
          out.printf(Locale.ROOT, "  %-24s %6.3f %6.3f %6.3f %6.3f%n", method, (Double) s.get("spearmanOfAbsolute"),
              (Double) s.get("spearman"), (Double) s.get("ssim"), (Double) s.get("hog"));
        }
      });
    }
    out.flush();
  }

  private static String number(Object v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.3f", (Double) v);
  }
}
