package dev.lumen.app.cli;

import dev.lumen.app.evaluate.QualityCurves;
import dev.lumen.app.evaluate.QualityMeasures;
import dev.lumen.app.exam.ExamEvaluation;
import dev.lumen.app.exam.ExamModel;
import dev.lumen.app.exam.PlaneModels;
import dev.lumen.app.service.Methods;
import dev.lumen.core.runtime.EngineOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

  @Mixin
  QualityOptions quality;

  @Option(names = "--curves", paramLabel = "DIR", description = "Plot each quality curve per plane and label, every "
      + "method in one plot, as PNG and SVG into DIR.")
  Path curves;

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
    List<String> measures = quality.measures();
    QualityMeasures.Settings qualitySettings = quality.settings();
    OutputPaths.requireWritableFile(out);
    OutputPaths.requireWritableFile(json);
    Map<String, Path> files = new LinkedHashMap<>();
    files.put("axial", axial);
    files.put("coronal", coronal);
    files.put("sagittal", sagittal);
    try (PlaneModels models = PlaneModels.load(files, EngineOptions.defaults().withIntraOpThreads(threads));
         ProgressBars.Follower bars = ProgressBars.follow()) {
      // the combination, then each method's scores, are written as they come: a run stopped halfway keeps them
      String name = out.getFileName().toString().replace(ExamModel.SUFFIX, "");
      ExamEvaluation.Result result = ExamEvaluation.run(models, data, methods, methodSettings.settings(), measures,
          qualitySettings, bars, partial -> {
            try {
              ExamModel.write(out, name, String.format(Locale.ROOT, "plane combination fitted by lumen "
                  + "evaluate-mrnet on %d training exams of %s", partial.trainExams(), data), files,
                  partial.combination());
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            Reports.writeJson(json, partial.report());
          });
      bars.close();
      print(models.labels(), (Map<?, ?>) result.report().get("validationAuc"), result.report().get("explanations"),
          measures);
      if (curves != null) {
        QualityCurves.write(curves, result.report());
      }
    }
    return 0;
  }

  private void print(List<String> labels, Map<?, ?> aucs, Object explained, List<String> measures) {
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
          ((Map<?, ?>) perLabel).forEach((label, scores) -> {
            Map<?, ?> sc = (Map<?, ?>) scores;
            StringBuilder line = new StringBuilder();
            for (String field : QualityMeasures.fields(measures)) {
              line.append(String.format(Locale.ROOT, "  %s %.3f", field, (Double) sc.get(field)));
            }
            console.printf(Locale.ROOT, "%-20s %-9s %-10s cases %3d  pointing %.3f  energy inside %.3f  IoU %.3f%s%n",
                method, plane, label, (Integer) sc.get("cases"), (Double) sc.get("pointingGame"),
                (Double) sc.get("energyInside"), (Double) sc.get("iou"), line);
          })));
    }
    console.printf(Locale.ROOT, "wrote the fitted combination to %s (lumen predict %s EXAMS_FOLDER)%n", out, out);
    console.flush();
  }

  private static String number(Object v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.3f", (Double) v);
  }
}
