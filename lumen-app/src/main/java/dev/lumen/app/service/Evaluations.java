package dev.lumen.app.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.app.evaluate.StudyEvaluation;
import dev.lumen.app.evaluate.QualityMeasures;
import dev.lumen.app.exam.ExamEvaluation;
import dev.lumen.app.exam.MrnetSplit;
import dev.lumen.app.exam.PlaneModels;
import dev.lumen.app.store.DatasetRow;
import dev.lumen.app.store.EvaluationRow;
import dev.lumen.app.store.ModelRow;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.Model;
import dev.lumen.core.runtime.EngineOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Evaluations of models on registered datasets, with the same code and numbers as
 * {@code lumen evaluate} and {@code lumen evaluate-mrnet}; each report is kept as a JSON blob
 * with a row naming the dataset and models.
 */
public final class Evaluations {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LumenService service;
  private final Datasets datasets;
  private final EngineOptions options;

  /** Evaluations over {@code service}'s models and datasets; plane models are opened with {@code options}. */
  public Evaluations(LumenService service, EngineOptions options) {
    this.service = service;
    this.datasets = new Datasets(service);
    this.options = options;
  }

  /**
   * Checks {@code request} before it is queued: the dataset and models exist, the dataset's kind
   * fits the models given, the methods and settings are known.
   */
  public void check(EvaluationRequest request) {
    DatasetRow dataset = datasets.dataset(request.dataset());
    boolean exams = dataset.kind().equals("mrnet");
    if (exams != (request.planes() != null)) {
      throw new IllegalArgumentException(exams ? "dataset " + dataset.id() + " holds MRNet exams: give the 'planes' "
          + "(axial, coronal and sagittal models)" : "dataset " + dataset.id() + " is a " + dataset.kind()
          + " dataset: give the 'model'");
    }
    if (dataset.kind().equals("folder")) {
      throw new IllegalArgumentException("dataset " + dataset.id() + " is a folder of studies without labels: "
          + "register a labels CSV to evaluate on");
    }
    if (exams) {
      for (String plane : MrnetSplit.PLANES) {
        modelRow(request.planes().get(plane), plane);
      }
      if (request.planes().size() != MrnetSplit.PLANES.size()) {
        throw new IllegalArgumentException("'planes' names the axial, coronal and sagittal models, got "
            + request.planes().keySet());
      }
    } else {
      service.model(request.model());
      request.ensemble().forEach(service::model);
    }
    request(request, Path.of(dataset.path()), LumenService.settings(request.settings()).resolve());
  }

  /** The labels-CSV evaluation {@code request} asks for, on the dataset at {@code csv}. */
  private static StudyEvaluation.Request request(EvaluationRequest request, Path csv, Methods.Settings settings) {
    return new StudyEvaluation.Request(csv, request.threshold(), request.explanations(), settings, request.against(),
        request.iouThreshold(), request.quality(), QualityMeasures.Settings.defaults());
  }

  /** Runs {@code request}, stores its report and returns the evaluation's id. */
  public String run(EvaluationRequest request, Progress progress) throws IOException {
    check(request);
    DatasetRow dataset = datasets.dataset(request.dataset());
    Map<String, Object> report;
    Object models;
    var settings = LumenService.settings(request.settings()).resolve();
    if (request.planes() != null) {
      Map<String, Path> files = new LinkedHashMap<>();
      for (String plane : MrnetSplit.PLANES) {
        files.put(plane, Path.of(modelRow(request.planes().get(plane), plane).path()));
      }
      try (PlaneModels planeModels = PlaneModels.load(files, options)) {
        report = ExamEvaluation.run(planeModels, Path.of(dataset.path()), request.explanations(), settings,
            request.quality(), QualityMeasures.Settings.defaults(), progress, partial -> { }).report();
      }
      models = request.planes();
    } else {
      List<Model> all = new ArrayList<>(List.of(service.model(request.model())));
      request.ensemble().forEach(id -> all.add(service.model(id)));
      StudyEvaluation.Request evaluation = request(request, Path.of(dataset.path()), settings);
      report = StudyEvaluation.run(all, request.weights(), evaluation, progress, partial -> { }).report();
      List<String> ids = new ArrayList<>(List.of(request.model()));
      ids.addAll(request.ensemble());
      models = ids;
    }
    String blob = service.blobs().put(JSON.writeValueAsBytes(report));
    EvaluationRow row = new EvaluationRow(UUID.randomUUID().toString(), dataset.id(), JSON.writeValueAsString(models),
        JSON.writeValueAsString(request), blob, System.currentTimeMillis());
    service.store().putEvaluation(row);
    return row.id();
  }

  /** The evaluation {@code id}. */
  public EvaluationRow evaluation(String id) {
    return service.store().evaluation(id).orElseThrow(() -> new NotFoundException("evaluation", id));
  }

  /** The report of evaluation {@code id} (JSON). */
  public byte[] report(EvaluationRow row) throws IOException {
    Path file = service.blobs().path(row.reportBlob()).orElseThrow(() -> new IllegalStateException("the report of "
        + "evaluation " + row.id() + " is missing from the blob store"));
    return Files.readAllBytes(file);
  }

  private ModelRow modelRow(String id, String plane) {
    if (id == null) {
      throw new IllegalArgumentException("'planes' has no " + plane + " model");
    }
    return service.store().model(id).orElseThrow(() -> new NotFoundException("model", id));
  }
}
