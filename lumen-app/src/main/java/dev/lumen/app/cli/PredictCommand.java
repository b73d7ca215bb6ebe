package dev.lumen.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumen predict}: the top labels of every study. */
@Command(name = "predict", description = "Print the top-k labels of each study; optionally write JSON or CSV.")
final class PredictCommand implements Callable<Integer> {
  @Mixin
  ModelOptions options;

  @Parameters(index = "1..*", paramLabel = "STUDY", description = "PNG/JPEG images, .npy exams for volume models, or folders of them.")
  List<Path> studies;

  @Option(names = {"-k", "--top"}, description = "Labels to print per study (default: ${DEFAULT-VALUE}).")
  int top = 3;

  @Option(names = "--json", paramLabel = "FILE", description = "Write every score as JSON.")
  Path json;

  @Option(names = "--csv", paramLabel = "FILE", description = "Write every score as CSV (one row per study).")
  Path csv;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    List<Path> files = Studies.expand(studies);
    try (Model model = options.load()) {
      List<Prediction> predictions = new ArrayList<>();
      PrintWriter out = spec.commandLine().getOut();
      for (List<Path> chunk : Studies.chunks(files, model.options().batchSize())) {
        List<Prediction> batch = new ArrayList<>();
        if (model.input().volume()) {
          chunk.forEach(study -> batch.add(model.predict(Studies.volume(model, study))));
        } else {
          batch.addAll(model.predict(Studies.images(model, chunk)));
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
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), predictions);
      }
      if (csv != null) {
        writeCsv(model, predictions);
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
    Files.write(csv, lines);
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
