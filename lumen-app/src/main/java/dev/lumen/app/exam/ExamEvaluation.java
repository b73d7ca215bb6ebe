package dev.lumen.app.exam;

import dev.lumen.app.evaluate.FindingScope;
import dev.lumen.app.evaluate.MethodScores;
import dev.lumen.app.evaluate.QualityMeasures;
import dev.lumen.app.evaluate.RandomisationReport;
import dev.lumen.app.service.Methods;
import dev.lumen.core.LumenException;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Images;
import dev.lumen.core.image.Volume;
import dev.lumen.core.io.Npy;
import dev.lumen.core.metrics.Roc;
import dev.lumen.core.model.Model;
import dev.lumen.core.quality.Finding;
import dev.lumen.core.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * What {@code lumen evaluate-mrnet} and the server's exam evaluation jobs compute on a data set
 * in the MRNet layout: per-plane validation AUCs, per label a logistic regression over the three
 * plane probabilities fitted on the training split and its validation AUC, every validation
 * exam's plane and combined probabilities, and optionally per method, plane and label the scores
 * of the maps against the findings' masks on the slice each map ranks hottest (a 3D pointing
 * game, energy inside, IoU) and the quality measures asked for; with {@code sanity}, per method
 * and plane the model randomisation tests of that plane's model on the exams' maps.
 */
public final class ExamEvaluation {
  /** The report (nested maps, ready for JSON) and the fitted plane combination. */
  public record Result(Map<String, Object> report, PlaneCombination combination, int trainExams) {}

  private ExamEvaluation() {}

  /**
   * Evaluates {@code models} on {@code data} ({@code data/train}, {@code data/valid}).
   * {@code partial} hears the result once the combination is fitted and again after each
   * method's scores join the report, so a long run stopped halfway keeps what it has.
   *
   * @throws LumenException naming the folder or file when the data set cannot be read, or has
   *     no mask to score maps against when methods are given
   */
  public static Result run(PlaneModels models, Path data, List<String> methods, Methods.Settings settings,
      List<String> quality, QualityMeasures.Settings qualitySettings, Progress progress, Consumer<Result> partial) {
    List<String> explained = Methods.named(methods);
    List<String> measures = QualityMeasures.onExams(QualityMeasures.named(quality));
    if (!measures.isEmpty() && explained.isEmpty()) {
      throw new IllegalArgumentException("--quality scores the maps of --explanations; name the methods");
    }
    List<String> labels = models.labels();
    MrnetSplit train = MrnetSplit.read(data.resolve("train"), labels);
    MrnetSplit valid = MrnetSplit.read(data.resolve("valid"), labels);
    if (!explained.isEmpty()) {
      requireMasks(valid, labels);
    }
    requireBothClasses(train, labels);
    double[][][] trainScores = score(models, train, progress);
    double[][][] validScores = score(models, valid, progress);
    PlaneCombination combination = PlaneCombination.fit(labels, trainScores, truth(train));
    boolean[][] validTruth = truth(valid);
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
    report.put("combination", combination(combination));
    report.put("exams", exams(valid, labels, validScores, combination));
    Result result = new Result(report, combination, train.ids().size());
    partial.accept(result);
    if (!explained.isEmpty()) {
      Map<String, Object> scores = new LinkedHashMap<>();
      report.put("explanations", scores);
      boolean sanity = measures.contains("sanity");
      Map<String, Object> sanityChecks = new LinkedHashMap<>();
      if (sanity) {
        report.put("sanity", sanityChecks);
      }
      for (String method : explained) {
        Map<String, Object> perPlane = new LinkedHashMap<>();
        Map<String, Object> sanityPerPlane = new LinkedHashMap<>();
        for (String plane : MrnetSplit.PLANES) {
          Model model = models.model(plane);
          Function<Model, Explainer> factory = m -> Methods.create(method, m, settings, null);
          Explained maps = new Explained(new ArrayList<>(), new ArrayList<>());
          try (Explainer explainer = factory.apply(model)) {
            perPlane.put(plane, mapScores(explainer, model, method, plane, labels, valid,
                QualityMeasures.perFinding(measures), qualitySettings, sanity ? maps : null, progress));
          }
          if (sanity && !maps.findings().isEmpty()) {
            // the plane model's own layers, re-drawn; its maps of the findings just scored are the originals
            sanityPerPlane.put(plane, RandomisationReport.sanity(model, factory, maps.findings(), maps.maps(),
                qualitySettings.sanityLayers(), progress));
          }
        }
        scores.put(method, perPlane);
        if (sanity) {
          sanityChecks.put(method, sanityPerPlane);
        }
        partial.accept(result);
      }
    }
    return result;
  }

  /** The findings a plane's maps were scored on, with the maps, kept for the sanity checks. */
  private record Explained(List<Finding> findings, List<Explanation> maps) {}

  /** Per label: the weights of the axial, coronal and sagittal probabilities and the intercept. */
  private static Map<String, Object> combination(PlaneCombination combination) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int l = 0; l < combination.labels().size(); l++) {
      var fit = combination.perLabel().get(l);
      out.put(combination.labels().get(l), Map.of("weights", fit.coefficients(), "intercept", fit.intercept()));
    }
    return out;
  }

  /** Per validation exam: its truth, each plane's probabilities and the combined ones. */
  private static List<Map<String, Object>> exams(MrnetSplit valid, List<String> labels, double[][][] scores,
      PlaneCombination combination) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int e = 0; e < scores.length; e++) {
      String id = valid.ids().get(e);
      Map<String, Object> planes = new LinkedHashMap<>();
      for (int p = 0; p < MrnetSplit.PLANES.size(); p++) {
        planes.put(MrnetSplit.PLANES.get(p), byLabel(labels, scores[e][p]));
      }
      Map<String, Object> truth = new LinkedHashMap<>();
      for (int l = 0; l < labels.size(); l++) {
        truth.put(labels.get(l), valid.truth().get(id)[l] ? 1 : 0);
      }
      Map<String, Object> exam = new LinkedHashMap<>();
      exam.put("id", id);
      exam.put("truth", truth);
      exam.put("planes", planes);
      exam.put("combined", byLabel(labels, combination.combine(scores[e])));
      out.add(exam);
    }
    return out;
  }

  private static Map<String, Object> byLabel(List<String> labels, double[] values) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int l = 0; l < labels.size(); l++) {
      out.put(labels.get(l), values[l]);
    }
    return out;
  }

  /** Fails, before any work, when a label's training exams are all positive or all negative: no combination fits them. */
  private static void requireBothClasses(MrnetSplit train, List<String> labels) {
    for (int l = 0; l < labels.size(); l++) {
      int label = l;
      long positives = train.ids().stream().filter(id -> train.truth().get(id)[label]).count();
      if (positives == 0 || positives == train.ids().size()) {
        throw new LumenException(train.folder(), "has " + positives + " positive of " + train.ids().size()
            + " exams for '" + labels.get(l) + "': fitting the plane combination needs positive and negative exams");
      }
    }
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
   * Per label of one plane: over the validation exams with the finding and its mask, the scores
   * of the slice the map ranks hottest (the slice holding the map's largest raw value): the 3D
   * pointing game (a hit when that slice's peak lies within the pointing tolerance of the
   * finding on that slice), the energy inside and IoU at 0.5 on it, and each quality measure on
   * it, its perturbed copies scored within the exam.
   */
  private static Map<String, Object> mapScores(Explainer explainer, Model model, String method, String plane,
      List<String> labels, MrnetSplit valid, List<String> measures, QualityMeasures.Settings qualitySettings,
      Explained explained, Progress progress) {
    String stage = method + " " + plane;
    MethodScores scores = new MethodScores(measures, qualitySettings);
    for (int e = 0; e < valid.ids().size(); e++) {
      progress.advance(stage, e, valid.ids().size());
      String id = valid.ids().get(e);
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
          FindingScope scope = FindingScope.ofVolume(model, volume, maps.get(t), mask);
          scores.add(labels.get(l), scope, maps.get(t), 0.5, explainer);
          if (explained != null) {
            explained.findings().add(Finding.of(() -> Images.readNpyVolume(valid.stack(id, plane)), labels.get(l)));
            explained.maps().add(maps.get(t));
          }
        }
      }
    }
    progress.advance(stage, valid.ids().size(), valid.ids().size());
    return scores.report();
  }

  private static double[][][] score(PlaneModels models, MrnetSplit split, Progress progress) {
    String stage = "score " + split.folder().getFileName();
    double[][][] scores = new double[split.ids().size()][][];
    for (int e = 0; e < scores.length; e++) {
      progress.advance(stage, e, scores.length);
      scores[e] = models.scores(split, split.ids().get(e));
    }
    progress.advance(stage, scores.length, scores.length);
    return scores;
  }

  private static boolean[][] truth(MrnetSplit split) {
    return split.ids().stream().map(split.truth()::get).toArray(boolean[][]::new);
  }

  /** The AUC of one label's {@code score} of every exam, or null when the split has one class only. */
  private static Double auc(double[][][] scores, boolean[][] truth, int label, Function<double[][], double[]> score) {
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
}
