package dev.lumen.app.cli;

import dev.lumen.app.service.Studies;
import dev.lumen.app.exam.ExamModel;
import dev.lumen.app.exam.MrnetSplit;
import dev.lumen.app.output.JsonFiles;
import dev.lumen.core.LumenException;
import dev.lumen.core.Ranges;
import dev.lumen.core.io.AtomicFiles;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
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

/** {@code lumen predict}: the top labels of every study. */
@Command(name = "predict", description = "Print the top-k labels of each study; optionally write JSON or CSV. "
    + "With an exam model (NAME" + ExamModel.SUFFIX + ", written by evaluate-mrnet) the studies are MRNet split "
    + "folders (axial, coronal and sagittal stacks per exam), scored per plane and combined.")
final class PredictCommand implements Callable<Integer> {
  @Mixin
  ModelOptions options;

  @Parameters(index = "1..*", paramLabel = "STUDY", description = "PNG/JPEG images, .npy exams for volume models, or "
      + "folders of them; for an exam model, MRNet split folders.")
  List<Path> studies;

  @Option(names = {"-k", "--top"}, description = "Labels to print per study (default: ${DEFAULT-VALUE}).")
  int top = 3;

  @Option(names = "--json", paramLabel = "FILE", description = "Write every score as JSON.")
  Path json;

  @Option(names = "--csv", paramLabel = "FILE", description = "Write every score as CSV (one row per study).")
  Path csv;

  @Option(names = "--exam", paramLabel = "ID", split = ",", description = "With an exam model: only these exams.")
  List<String> exams;

  @Spec
  CommandSpec spec;

  @Mixin
  WindowOption dicom;

  @Mixin
  VolumeOptions volumes;

  @Override
  public Integer call() throws IOException {
    Ranges.requireAtLeast("-k", top, 1);
    dicom.window();   // a malformed --voi or --plane is refused before any work
    volumes.plane();
    OutputPaths.requireWritableFile(json);
    OutputPaths.requireWritableFile(csv);
    if (ExamModel.isExamModel(options.model)) {
      return predictExams();
    }
    try (Model model = options.load()) {
      List<Path> files = Studies.expand(studies, model.input().volume());
      List<Prediction> predictions = new ArrayList<>();
      PrintWriter out = spec.commandLine().getOut();
      for (List<Path> chunk : Studies.chunks(files, model.options().batchSize())) {
        List<Prediction> batch = new ArrayList<>();
        if (model.input().volume()) {
          chunk.forEach(study -> batch.add(model.predict(Studies.exam(model, study, dicom.window(),
              volumes.plane(), volumes.frame).volume())));
        } else {
          batch.addAll(model.predict(Studies.images(model, chunk, dicom.window())));
        }
        for (Prediction p : batch) {
          out.println(p.source());
          for (LabelScore s : p.top(top)) {
            out.printf(Locale.ROOT, "  %-24s %.4f%n", s.label(), s.probability());
          }
        }
        out.flush();
        predictions.addAll(batch);
      }
      if (json != null) {
        JsonFiles.write(json, predictions);
      }
      if (csv != null) {
        writeCsv(model, predictions);
      }
    }
    return 0;
  }

  /** Every exam of the split folders: its combined probabilities, and each plane's in the JSON. */
  private int predictExams() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    List<Map<String, Object>> rows = new ArrayList<>();
    try (ExamModel model = ExamModel.load(options.model, options.engineOptions())) {
      for (Path folder : studies) {
        MrnetSplit split = MrnetSplit.read(folder, List.of());
        List<String> ids = exams == null ? split.ids() : exams;
        for (String id : ids) {
          if (!split.ids().contains(id)) {
            throw new LumenException(folder, "holds no exam " + id);
          }
          ExamModel.ExamPrediction p = model.predict(split, id);
          out.println(folder.resolve(id));
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("exam", folder.resolve(id).toString());
          for (int l = 0; l < model.labels().size(); l++) {
            out.printf(Locale.ROOT, "  %-24s %.4f  (axial %.3f, coronal %.3f, sagittal %.3f)%n", model.labels().get(l),
                p.probabilities()[l], p.planeScores()[0][l], p.planeScores()[1][l], p.planeScores()[2][l]);
            Map<String, Object> score = new LinkedHashMap<>();
            score.put("probability", p.probabilities()[l]);
            for (int plane = 0; plane < MrnetSplit.PLANES.size(); plane++) {
              score.put(MrnetSplit.PLANES.get(plane), p.planeScores()[plane][l]);
            }
            row.put(model.labels().get(l), score);
          }
          rows.add(row);
        }
      }
      out.flush();
      if (json != null) {
        JsonFiles.write(json, rows);
      }
      if (csv != null) {
        List<String> lines = new ArrayList<>();
        lines.add("exam," + String.join(",", model.labels()));
        for (Map<String, Object> row : rows) {
          StringBuilder line = new StringBuilder(quote((String) row.get("exam")));
          model.labels().forEach(l -> line.append(String.format(Locale.ROOT, ",%.6f",
              (Double) ((Map<?, ?>) row.get(l)).get("probability"))));
          lines.add(line.toString());
        }
        AtomicFiles.writeString(csv, String.join("\n", lines) + "\n");
      }
    }
    return 0;
  }

  private void writeCsv(Model model, List<Prediction> predictions) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("study," + String.join(",", model.labels().stream().map(PredictCommand::quote).toList()));
    for (Prediction p : predictions) {
      StringBuilder row = new StringBuilder(quote(p.source()));
      p.scores().forEach(s -> row.append(String.format(Locale.ROOT, ",%.6f", s.probability())));
      lines.add(row.toString());
    }
    AtomicFiles.writeString(csv, String.join("\n", lines) + "\n");
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
