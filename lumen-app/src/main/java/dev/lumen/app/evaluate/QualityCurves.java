package dev.lumen.app.evaluate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The mean perturbation curves of an evaluation report (deletion, insertion, ROAD, pixel
 * flipping), plotted per curve and label with every method in one plot, the method's score in
 * its legend: {@code CURVE-LABEL.png} and {@code .svg} ({@code CURVE-PLANE-LABEL} for exams).
 */
public final class QualityCurves {
  /** Per curve: the x axis' title and the report's field that scores it. */
  private static final Map<String, String[]> CURVES = Map.of(
      "deletion", new String[] {"share of pixels deleted, most relevant first", "deletionAuc"},
      "insertion", new String[] {"share of pixels revealed, most relevant first", "insertionAuc"},
      "roadMorf", new String[] {"share of pixels removed and imputed, most relevant first", "roadMorf"},
      "roadLerf", new String[] {"share of pixels removed and imputed, least relevant first", "roadLerf"},
      "pixelFlipping", new String[] {"share of regions flipped to noise, most relevant first", "aopc"});

  private QualityCurves() {}

  /**
   * Adds {@code method}'s curves of each label of {@code perLabel} to {@code plots}; an exam
   * report has a level of planes above the labels, which joins the label's name ({@code PLANE-LABEL}).
   */
  private static void collect(String method, String prefix, Map<?, ?> perLabel,
      Map<String, Map<String, List<LinePlot.Series>>> plots) {
    perLabel.forEach((key, value) -> {
      Map<?, ?> scores = (Map<?, ?>) value;
      String label = prefix + key;
      if (!scores.containsKey("cases")) {
        collect(method, label + "-", scores, plots);
      } else if (scores.get("curves") instanceof Map<?, ?> curves) {
        curves.forEach((name, curve) -> {
          Map<?, ?> c = (Map<?, ?>) curve;
          String legend = String.format(Locale.ROOT, "%s  %s %.3f", method, CURVES.get(name)[1],
              (Double) scores.get(CURVES.get(name)[1]));
          plots.computeIfAbsent((String) name, k -> new LinkedHashMap<>())
              .computeIfAbsent(label, k -> new ArrayList<>())
              .add(new LinePlot.Series(legend, (double[]) c.get("fractions"), (double[]) c.get("probabilities")));
        });
      }
    });
  }

  /**
   * Writes the plots of {@code report}'s curves into {@code dir} (made if missing).
   *
   * @return the files written, none when the report has no curves
   */
  public static List<Path> write(Path dir, Map<String, Object> report) throws IOException {
    // (curve, label) -> one series per method
    Map<String, Map<String, List<LinePlot.Series>>> plots = new LinkedHashMap<>();
    if (report.get("explanations") instanceof Map<?, ?> methods) {
      methods.forEach((method, perLabel) -> collect((String) method, "", (Map<?, ?>) perLabel, plots));
    }
    List<Path> written = new ArrayList<>();
    if (plots.isEmpty()) {
      return written;
    }
    Files.createDirectories(dir);
    for (var curve : plots.entrySet()) {
      for (var label : curve.getValue().entrySet()) {
        double end = label.getValue().stream().flatMapToDouble(s -> java.util.Arrays.stream(s.x())).max().orElse(1);
        LinePlot.Axes axes = new LinePlot.Axes(CURVES.get(curve.getKey())[0], "probability of the label", false,
            end > 0 ? end : 1);
        String stem = curve.getKey() + "-" + label.getKey().replaceAll("[^A-Za-z0-9._-]", "_");
        for (String extension : List.of(".png", ".svg")) {
          Path file = dir.resolve(stem + extension);
          LinePlot.write(file, axes, label.getValue());
          written.add(file);
        }
      }
    }
    return written;
  }
}
