package dev.lumen.app.exam;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.app.output.JsonFiles;
import dev.lumen.core.LumenException;
import dev.lumen.core.io.FileBytes;
import dev.lumen.core.io.JsonErrors;
import dev.lumen.core.runtime.EngineOptions;
import dev.lumen.core.train.LogisticRegression;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An MRNet-style exam classifier as {@code lumen predict} uses it: three plane models and the
 * {@link PlaneCombination} fitted over them, saved as a {@code NAME.lumen-exams.json} file that
 * names the plane models relative to itself:
 * <pre>
 * {"name": "knee", "description": "...", "labels": ["abnormal", "acl", "meniscus"],
 *  "planes": {"axial": "knee-axial.onnx", "coronal": "knee-coronal.onnx", "sagittal": "knee-sagittal.onnx"},
 *  "combination": {"acl": {"intercept": -4.1, "axial": 2.0, "coronal": 3.1, "sagittal": 4.2}, ...}}
 * </pre>
 */
public final class ExamModel implements AutoCloseable {
  /** How an exam model's file name ends. */
  public static final String SUFFIX = ".lumen-exams.json";

  /** The file's content. */
  record Saved(String name, String description, List<String> labels, Map<String, String> planes,
      Map<String, Map<String, Double>> combination) {}

  /**
   * One exam's scores.
   *
   * @param exam the exam's id
   * @param planeScores {@code [plane][label]} probabilities, planes in {@link MrnetSplit#PLANES} order
   * @param probabilities per label: the combined probability
   */
  public record ExamPrediction(String exam, double[][] planeScores, double[] probabilities) {}

  private final String name;
  private final PlaneModels planes;
  private final PlaneCombination combination;

  private ExamModel(String name, PlaneModels planes, PlaneCombination combination) {
    this.name = name;
    this.planes = planes;
    this.combination = combination;
  }

  /** Whether {@code file} is named as an exam model. */
  public static boolean isExamModel(Path file) {
    return file.getFileName().toString().endsWith(SUFFIX);
  }

  /**
   * Reads {@code file} and loads its plane models.
   *
   * @throws LumenException naming the file when it is unreadable or incomplete
   */
  public static ExamModel load(Path file, EngineOptions options) {
    Saved saved;
    try {
      saved = new ObjectMapper().readValue(FileBytes.read(file), Saved.class);
    } catch (JsonMappingException e) {
      throw new LumenException(file, "not a readable exam model: field '" + JsonErrors.field(e) + "' at "
          + JsonErrors.where(e) + " has the wrong type or name", e);
    } catch (JacksonException e) {
      throw new LumenException(file, "not a readable exam model: invalid JSON at " + JsonErrors.where(e), e);
    } catch (IOException e) {
      throw new LumenException(file, "cannot read: " + e.getMessage(), e);
    }
    if (saved.labels() == null || saved.planes() == null || saved.combination() == null) {
      throw new LumenException(file, "an exam model needs 'labels', 'planes' and 'combination'");
    }
    List<LogisticRegression> perLabel = new ArrayList<>();
    for (String label : saved.labels()) {
      Map<String, Double> c = saved.combination().get(label);
      if (c == null || c.get("intercept") == null || !c.keySet().containsAll(MrnetSplit.PLANES)) {
        throw new LumenException(file, "the combination of '" + label + "' needs an intercept and a weight per plane "
            + MrnetSplit.PLANES);
      }
      perLabel.add(new LogisticRegression(MrnetSplit.PLANES.stream().mapToDouble(c::get).toArray(), c.get("intercept")));
    }
    Map<String, Path> files = new LinkedHashMap<>();
    Path folder = file.toAbsolutePath().getParent();
    saved.planes().forEach((plane, model) -> files.put(plane, folder.resolve(model)));
    PlaneModels models = PlaneModels.load(files, options);
    if (!models.labels().equals(saved.labels())) {
      models.close();
      throw new LumenException(file, "names labels " + saved.labels() + " but its plane models score " + models.labels());
    }
    return new ExamModel(saved.name(), models, new PlaneCombination(saved.labels(), perLabel));
  }

  /** Writes an exam model: {@code planeFiles} are written relative to {@code file}'s folder. */
  public static void write(Path file, String name, String description, Map<String, Path> planeFiles,
      PlaneCombination combination) throws IOException {
    Path folder = file.toAbsolutePath().getParent();
    Map<String, String> planes = new LinkedHashMap<>();
    planeFiles.forEach((plane, model) -> planes.put(plane,
        folder.relativize(model.toAbsolutePath()).toString().replace('\\', '/')));
    Map<String, Map<String, Double>> weights = new LinkedHashMap<>();
    for (int l = 0; l < combination.labels().size(); l++) {
      LogisticRegression fit = combination.perLabel().get(l);
      Map<String, Double> w = new LinkedHashMap<>();
      w.put("intercept", fit.intercept());
      for (int p = 0; p < MrnetSplit.PLANES.size(); p++) {
        w.put(MrnetSplit.PLANES.get(p), fit.coefficients()[p]);
      }
      weights.put(combination.labels().get(l), w);
    }
    JsonFiles.write(file, new Saved(name, description, combination.labels(), planes, weights));
  }

  /** The model's name. */
  public String name() {
    return name;
  }

  /** The labels. */
  public List<String> labels() {
    return combination.labels();
  }

  /** Scores exam {@code id} of {@code split}: every plane, then the combination. */
  public ExamPrediction predict(MrnetSplit split, String id) {
    double[][] scores = planes.scores(split, id);
    return new ExamPrediction(id, scores, combination.combine(scores));
  }

  @Override
  public void close() {
    planes.close();
  }
}
