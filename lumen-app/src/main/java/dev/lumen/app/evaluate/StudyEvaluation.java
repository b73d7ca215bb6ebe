package dev.lumen.app.evaluate;

import dev.lumen.app.service.Methods;
import dev.lumen.app.service.Studies;
import dev.lumen.core.LumenException;
import dev.lumen.core.Ranges;
import dev.lumen.core.explain.Ensemble;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Images;
import dev.lumen.core.image.Volume;
import dev.lumen.core.metrics.Roc;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.quality.DataRandomisation;
import dev.lumen.core.quality.Finding;
import dev.lumen.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * What {@code lumen evaluate} and the server's evaluation jobs compute on a labelled CSV: a
 * classifier's (or an ensemble's) scores per label against the truth, each study's
 * probabilities, and optionally how well each method's maps agree with the findings' masks
 * (pointing game, energy inside, IoU) and the quality measures asked for ({@link QualityMeasures}).
 * The studies of a volume model (an MRNet-style plane model or a 3D CNN) are volumes and their
 * masks mask volumes; an exam's map is scored on the slice it ranks hottest, as
 * {@code evaluate-mrnet} scores exams, and a 3D CNN's over the whole volume ({@link FindingScope}).
 */
public final class StudyEvaluation {
  /**
   * What to evaluate.
   *
   * @param dataset the labels CSV
   * @param threshold the probability at or above which a label is called
   * @param explanations the methods whose maps are scored (none for scores only)
   * @param settings the methods' settings
   * @param against a region name to score every positive study's maps against instead of its
   *     findings' masks (a marker, say), or null
   * @param iouThreshold the heat at or above which a pixel counts for IoU
   * @param quality the quality measures ({@link QualityMeasures}) to add to the maps' scores
   * @param qualitySettings the measures' settings
   */
  public record Request(Path dataset, double threshold, List<String> explanations, Methods.Settings settings,
                        String against, double iouThreshold, List<String> quality,
                        QualityMeasures.Settings qualitySettings) {
    public Request {
      Ranges.requireUnit("threshold", threshold);
      Ranges.requireUnit("IoU threshold", iouThreshold);
      explanations = Methods.named(explanations);
      quality = QualityMeasures.named(quality);
      if (!quality.isEmpty() && explanations.isEmpty()) {
        throw new IllegalArgumentException("--quality scores the maps of --explanations; name the methods");
      }
    }

    /** This request with the quality measures {@code measures} instead. */
    public Request withQuality(List<String> measures) {
      return new Request(dataset, threshold, explanations, settings, against, iouThreshold, measures, qualitySettings);
    }

    /** A request without quality measures. */
    public Request(Path dataset, double threshold, List<String> explanations, Methods.Settings settings, String against,
        double iouThreshold) {
      this(dataset, threshold, explanations, settings, against, iouThreshold, List.of(),
          QualityMeasures.Settings.defaults());
    }
  }

  /**
   * The report (nested maps, ready for JSON) and the ROC curve of each scored label (null where
   * a label has one class), in the order of the report's labels.
   */
  public record Result(Map<String, Object> report, List<String> labels, List<Roc> curves) {}

  private StudyEvaluation() {}

  /**
   * Evaluates {@code models} (one, or an ensemble averaged with {@code weights}) on the request's
   * dataset. Each method's explanation scores join the report as they come, and
   * {@code partial} hears the report after each, so a long run stopped halfway keeps them.
   *
   * @throws LumenException naming the dataset when it cannot be read, or has no mask to score
   *     maps against when maps are asked for
   */
  public static Result run(List<Model> models, double[] weights, Request request, Progress progress,
      Consumer<Map<String, Object>> partial) {
    Model model = models.get(0);
    double[] w = weights(weights, models.size());
    for (Model m : models) {
      if (!m.labels().equals(model.labels())) {
        throw new IllegalArgumentException("ensemble members must share their labels: " + model.name() + " has "
            + model.labels() + ", " + m.name() + " has " + m.labels());
      }
    }
    boolean volumes = model.input().volume();
    LabelledStudies data = LabelledStudies.read(request.dataset(), model.labels());
    if (!request.explanations().isEmpty()) {
      requireScoringMasks(data, request);
    }
    if (models.size() > 1 && QualityMeasures.perturbs(request.quality())) {
      throw new IllegalArgumentException("deletion, insertion and the sanity check score one model; evaluate the "
          + "members one at a time, without --ensemble");
    }
    // volumes are read when they are used, one at a time, so a data set of them needs the memory of one
    List<Image> images = volumes ? null : data.studies().stream().map(s -> image(s.image())).toList();
    float[][] probabilities = volumes ? volumeProbabilities(models, w, data, progress)
        : imageProbabilities(models, w, images, progress);
    int studies = probabilities.length;
    // only the labels the CSV annotates are scored: a label without a column is unknown, not absent
    List<Integer> scored = data.annotated();
    List<String> scoredLabels = scored.stream().map(model.labels()::get).toList();
    float[][] scoredProbabilities = new float[studies][scored.size()];
    boolean[][] truth = new boolean[studies][scored.size()];
    for (int s = 0; s < studies; s++) {
      for (int c = 0; c < scored.size(); c++) {
        scoredProbabilities[s][c] = probabilities[s][scored.get(c)];
        truth[s][c] = data.studies().get(s).truth()[scored.get(c)];
      }
    }
    List<Roc> curves = new ArrayList<>();
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("models", models.stream().map(Model::name).toList());
    report.put("weights", w);
    report.put("dataset", request.dataset().toString());
    report.putAll(Evaluation.report(scoredLabels, scoredProbabilities, truth, request.threshold(), curves));
    report.put("cases", cases(data, model.labels(), probabilities));
    if (!request.explanations().isEmpty()) {
      Map<String, Object> scores = new LinkedHashMap<>();
      report.put("explanations", scores);
      Map<String, Object> sanity = new LinkedHashMap<>();
      if (request.quality().contains("sanity")) {
        report.put("sanity", sanity);
      }
      Map<String, Object> dataRandomisation = new LinkedHashMap<>();
      if (request.quality().contains("data-randomisation")) {
        report.put("dataRandomisation", dataRandomisation);
      }
      try (DataRandomisation.Heads heads = request.quality().contains("data-randomisation")
          ? heads(model, data, images, request.dataset(), progress) : null) {
        if (heads != null) {
          dataRandomisation.put("trainedFit", heads.trainedFit());
          dataRandomisation.put("shuffledFit", heads.shuffledFit());
        }
        explanationScores(models, data, images, request, new Outputs(scores, sanity, dataRandomisation, heads),
            progress, () -> partial.accept(report));
      }
    }
    return new Result(report, scoredLabels, curves);
  }

  /**
   * A 2D study: an image file, or a {@code [height, width]} array.
   *
   * @throws LumenException naming a folder, which only a volume model reads (as a DICOM series)
   */
  private static Image image(Path file) {
    if (java.nio.file.Files.isDirectory(file)) {
      throw new LumenException(file, "is a folder, which is a study (a DICOM series) only for a volume model; "
          + "this model takes single images");
    }
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy") ? Images.readNpyImage(file)
        : Images.read(file);
  }

  /** Per study and label the ensemble's probability, each member predicting every image in batches. */
  private static float[][] imageProbabilities(List<Model> models, double[] w, List<Image> images, Progress progress) {
    float[][] probabilities = new float[images.size()][models.get(0).labels().size()];
    for (int m = 0; m < models.size(); m++) {
      progress.advance("predict", m, models.size());
      List<Prediction> predictions = models.get(m).predict(images);
      for (int s = 0; s < images.size(); s++) {
        add(probabilities[s], w[m], predictions.get(s));
      }
    }
    progress.advance("predict", models.size(), models.size());
    return probabilities;
  }

  /** Per study and label the ensemble's probability, every member predicting each volume as it is read. */
  private static float[][] volumeProbabilities(List<Model> models, double[] w, LabelledStudies data,
      Progress progress) {
    float[][] probabilities = new float[data.studies().size()][models.get(0).labels().size()];
    for (int s = 0; s < probabilities.length; s++) {
      progress.advance("predict", s, probabilities.length);
      Volume volume = Studies.volume(models.get(0), data.studies().get(s).image());
      for (int m = 0; m < models.size(); m++) {
        add(probabilities[s], w[m], models.get(m).predict(volume));
      }
    }
    progress.advance("predict", probabilities.length, probabilities.length);
    return probabilities;
  }

  /** Adds {@code weight} times the prediction's probability of each label to {@code sums}. */
  private static void add(float[] sums, double weight, Prediction prediction) {
    for (int c = 0; c < sums.length; c++) {
      sums[c] += (float) (weight * prediction.score(c).probability());
    }
  }

  /**
   * The weights of an ensemble of {@code members}: equal when none are given, else the given
   * ones (finite, at least 0, not all 0) scaled to add up to 1.
   */
  public static double[] weights(double[] given, int members) {
    double[] w = new double[members];
    if (given == null) {
      Arrays.fill(w, 1.0 / members);
      return w;
    }
    if (given.length != members) {
      throw new IllegalArgumentException("--weights gives " + given.length + " weights for " + members + " models");
    }
    for (double weight : given) {
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("--weights must be finite and at least 0, got " + weight);
      }
    }
    double total = Arrays.stream(given).sum();
    if (total <= 0) {
      throw new IllegalArgumentException("--weights must add up to more than 0");
    }
    for (int i = 0; i < members; i++) {
      w[i] = given[i] / total;
    }
    return w;
  }

  /** Per study: its image as the CSV names it, the probability of every label, and its truth where annotated. */
  private static List<Map<String, Object>> cases(LabelledStudies data, List<String> labels, float[][] probabilities) {
    Path folder = data.file().toAbsolutePath().getParent();
    List<Map<String, Object>> out = new ArrayList<>();
    for (int s = 0; s < probabilities.length; s++) {
      LabelledStudies.Study study = data.studies().get(s);
      Map<String, Object> scores = new LinkedHashMap<>();
      Map<String, Object> truth = new LinkedHashMap<>();
      for (int c = 0; c < labels.size(); c++) {
        scores.put(labels.get(c), (double) probabilities[s][c]);
      }
      for (int c : data.annotated()) {
        truth.put(labels.get(c), study.truth()[c] ? 1 : 0);
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("image", folder.relativize(study.image().toAbsolutePath()).toString());
      entry.put("scores", scores);
      entry.put("truth", truth);
      out.add(entry);
    }
    return out;
  }

  /** Fails, before any work, when the CSV has no mask to score maps against. */
  private static void requireScoringMasks(LabelledStudies data, Request request) {
    String against = request.against();
    if (against != null && data.studies().stream().noneMatch(s -> s.regions().containsKey(against))) {
      throw new LumenException(request.dataset(), "has no region:" + against + " masks for --against");
    }
    boolean anyMask = data.studies().stream().anyMatch(s -> s.masks().keySet().stream().anyMatch(l -> s.truth()[l]));
    if (against == null && !anyMask) {
      throw new LumenException(request.dataset(), "--explanations scores maps against the findings' masks "
          + "(mask:LABEL columns), and no study with a finding has one");
    }
  }

  /**
   * Per method and label: mean pointing game, energy inside and IoU over the positive studies with
   * a mask of the finding, or with a mask of the region the request names. {@code images} is
   * null for a volume model, whose volumes are read one at a time.
   */
  private static void explanationScores(List<Model> models, LabelledStudies data, List<Image> images, Request request,
      Outputs outputs, Progress progress, Runnable afterEachMethod) {
    Model model = models.get(0);
    List<String> quality = QualityMeasures.perFinding(request.quality());
    for (String method : request.explanations()) {
      MethodScores scores = new MethodScores(quality, request.qualitySettings());
      // the findings explained, and their maps, for the randomisation tests
      List<Finding> findings = new ArrayList<>();
      List<Explanation> explainedMaps = new ArrayList<>();
      boolean sanity = request.quality().contains("sanity");
      try (Explainer explainer = models.size() == 1 ? Methods.create(method, model, request.settings(), null)
          : Ensemble.of(models, m -> Methods.create(method, m, request.settings(), null))) {
        int studies = data.studies().size();
        for (int s = 0; s < studies; s++) {
          progress.advance(method, s, studies);
          LabelledStudies.Study study = data.studies().get(s);
          Path againstMask = request.against() == null ? null : study.regions().get(request.against());
          List<Integer> labels = request.against() == null
              ? study.masks().keySet().stream().filter(l -> study.truth()[l]).toList()
              : IntStream.range(0, study.truth().length).filter(l -> study.truth()[l] && againstMask != null)
                  .boxed().toList();
          if (labels.isEmpty()) {
            continue;
          }
          Targets targets = Targets.labels(labels.stream().map(String::valueOf).toList());
          if (images == null) {
            Volume volume = Studies.volume(model, study.image());
            // one explanation of every masked finding of the volume, each scored in its scope
            var explained = explainer.explain(volume, targets);
            for (int t = 0; t < labels.size(); t++) {
              Tensor mask = LabelledStudies.maskVolume(againstMask != null ? againstMask
                  : study.masks().get(labels.get(t)), volume);
              FindingScope scope = FindingScope.ofVolume(model, volume, explained.get(t), mask);
              scores.add(model.labels().get(labels.get(t)), scope, explained.get(t), request.iouThreshold(), explainer);
              if (sanity || outputs.heads() != null) {
                findings.add(Finding.of(() -> Studies.volume(model, study.image()), model.labels().get(labels.get(t))));
                explainedMaps.add(explained.get(t));
              }
            }
            continue;
          }
          Image image = images.get(s);
          // one explanation of every masked finding of the study
          var explained = explainer.explain(image, targets);
          for (int t = 0; t < labels.size(); t++) {
            findings.add(Finding.of(image, model.labels().get(labels.get(t))));
            explainedMaps.add(explained.get(t));
            float[] region = LabelledStudies.maskPlane(againstMask != null ? againstMask : study.masks().get(labels.get(t)), image);
            scores.add(model.labels().get(labels.get(t)), FindingScope.ofImage(model, image, explained.get(t), region),
                explained.get(t), request.iouThreshold(), explainer);
          }
        }
        progress.advance(method, studies, studies);
      }
      outputs.scores().put(method, scores.report());
      Function<Model, Explainer> factory = m -> Methods.create(method, m, request.settings(), null);
      if (outputs.heads() != null) {
        // the findings of the labels the heads were trained on
        List<Finding> trained = findings.stream().filter(f -> outputs.heads().trained().labels().contains(f.target()))
            .toList();
        outputs.dataRandomisation().put(method,
            RandomisationReport.similarity(DataRandomisation.compare(outputs.heads(), factory, trained)));
      }
      if (sanity) {
        // the trained model's maps are the ones just scored
        outputs.sanity().put(method, RandomisationReport.sanity(model, factory, findings, explainedMaps,
            request.qualitySettings().sanityLayers(), progress));
      }
      afterEachMethod.run();
    }
  }

  /** Where the explanation scores go: per method and label, the sanity checks, the data randomisation test. */
  private record Outputs(Map<String, Object> scores, Map<String, Object> sanity, Map<String, Object> dataRandomisation,
                         DataRandomisation.Heads heads) {}

  /**
   * The data randomisation test's heads, on every study and each label the CSV annotates with
   * both outcomes (500 epochs, as {@code lumen train-head}; the shuffle from seed 0).
   */
  private static DataRandomisation.Heads heads(Model model, LabelledStudies data, List<Image> images, Path dataset,
      Progress progress) {
    List<Integer> labels = data.annotated().stream().filter(l -> {
      long positives = data.studies().stream().filter(s -> s.truth()[l]).count();
      return positives > 0 && positives < data.studies().size();
    }).toList();
    if (labels.isEmpty()) {
      throw new LumenException(dataset, "the data randomisation test trains heads on the labels, and no label is "
          + "both present and absent");
    }
    int studies = data.studies().size();
    boolean[][] truth = new boolean[studies][labels.size()];
    for (int s = 0; s < studies; s++) {
      for (int c = 0; c < labels.size(); c++) {
        truth[s][c] = data.studies().get(s).truth()[labels.get(c)];
      }
    }
    progress.advance("data randomisation: training two heads", 0, 1);
    try {
      List<String> names = labels.stream().map(model.labels()::get).toList();
      DataRandomisation.Heads heads = images != null ? DataRandomisation.train(model, images, truth, names, 500, 0)
          : DataRandomisation.trainOnVolumes(model, data.studies().stream()
              .<java.util.function.Supplier<Volume>>map(s -> () -> Studies.volume(model, s.image())).toList(),
              truth, names, 500, 0);
      progress.advance("data randomisation: training two heads", 1, 1);
      return heads;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
