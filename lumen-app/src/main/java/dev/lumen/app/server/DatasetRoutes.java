package dev.lumen.app.server;

import dev.lumen.app.jobs.JobQueue;
import dev.lumen.app.service.Datasets;
import dev.lumen.app.service.EvaluationRequest;
import dev.lumen.app.service.Evaluations;
import dev.lumen.app.service.LumenService;
import dev.lumen.app.store.DatasetRow;
import dev.lumen.app.store.EvaluationRow;
import dev.lumen.app.store.JobRow;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The dataset and evaluation handlers of {@link LumenServer}. */
final class DatasetRoutes {
  /** The body of {@code POST /api/datasets}. */
  record DatasetPath(String path, String name) {}

  private final LumenService service;
  private final Datasets datasets;
  private final Evaluations evaluations;
  private final JobQueue jobs;

  DatasetRoutes(LumenService service, Evaluations evaluations, JobQueue jobs) {
    this.service = service;
    this.datasets = new Datasets(service);
    this.evaluations = evaluations;
    this.jobs = jobs;
  }

  /** {@code GET /api/datasets}. */
  void list(Context ctx) {
    ctx.json(service.store().datasets().stream().map(this::json).toList());
  }

  /** {@code POST /api/datasets {"path", "name"?}}: registers a dataset read in place (201). */
  void register(Context ctx) {
    DatasetPath body = LumenServer.body(ctx, DatasetPath.class);
    if (body.path() == null) {
      throw new IllegalArgumentException("give the dataset's 'path' (a labels CSV, or a folder of studies or exams)");
    }
    ctx.status(201).json(json(datasets.register(body.path(), body.name())));
  }

  /** {@code GET /api/datasets/{id}}. */
  void dataset(Context ctx) {
    ctx.json(json(datasets.dataset(ctx.pathParam("id"))));
  }

  private Map<String, Object> json(DatasetRow row) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", row.id());
    out.put("name", row.name());
    out.put("kind", row.kind());
    out.put("labels", datasets.labels(row));
    Map<String, Integer> splits = new LinkedHashMap<>();
    datasets.cases(row).forEach(c -> splits.merge(c.split().isEmpty() ? "all" : c.split(), 1, Integer::sum));
    out.put("cases", splits);
    out.put("registeredAt", row.registeredAt());
    return out;
  }

  /** {@code GET /api/datasets/{id}/cases[?split=S]}: every case with its truth and masks, without opening it. */
  void cases(Context ctx) {
    DatasetRow row = datasets.dataset(ctx.pathParam("id"));
    String split = ctx.queryParam("split");
    ctx.json(datasets.cases(row).stream().filter(c -> split == null || c.split().equals(split))
        .map(c -> caseJson(row, c, null)).toList());
  }

  /** {@code GET /api/datasets/{id}/cases/{case}}: the case with its files registered as studies. */
  void opened(Context ctx) {
    DatasetRow row = datasets.dataset(ctx.pathParam("id"));
    Datasets.Case c = datasets.find(row, ctx.pathParam("case"));
    ctx.json(caseJson(row, c, datasets.studies(c)));
  }

  private static Map<String, Object> caseJson(DatasetRow row, Datasets.Case c, Map<String, String> studies) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", c.id());
    out.put("split", c.split());
    out.put("name", c.name());
    out.put("truth", c.truth());
    if (studies != null) {
      out.put("studies", studies);
    }
    Map<String, String> masks = new LinkedHashMap<>();
    String base = "/api/datasets/" + row.id() + "/cases/" + c.id() + "/masks/";
    c.masks().keySet().forEach(key -> {
      int slash = key.indexOf('/');
      masks.put(key, slash < 0 ? base + key : base + key.substring(slash + 1) + "?plane=" + key.substring(0, slash));
    });
    out.put("masks", masks);
    return out;
  }

  /** {@code GET /api/datasets/{id}/cases/{case}/masks/{label}[?plane=P]}: {@code uint8 [slices, h, w]} {@code .npy}, 1 inside. */
  void mask(Context ctx) {
    DatasetRow row = datasets.dataset(ctx.pathParam("id"));
    Datasets.Case c = datasets.find(row, ctx.pathParam("case"));
    String plane = ctx.queryParam("plane");
    String label = ctx.pathParam("label");
    ctx.contentType("application/octet-stream").result(datasets.mask(c, plane == null ? label : plane + "/" + label));
  }

  /** {@code POST /api/evaluations}: checks the request, then queues it as a job (202). */
  void evaluate(Context ctx) {
    EvaluationRequest request = LumenServer.body(ctx, EvaluationRequest.class);
    evaluations.check(request);
    JobRow job = jobs.submit("evaluate", LumenServer.requestJson(request));
    ctx.status(202).json(Map.of("job", LumenServer.job(job, jobs)));
  }

  /** {@code GET /api/evaluations[?dataset=ID]}: evaluations without their reports, newest first. */
  void evaluationList(Context ctx) {
    String dataset = ctx.queryParam("dataset");
    if (dataset != null) {
      datasets.dataset(dataset);
    }
    List<Map<String, Object>> out = service.store().evaluations(dataset).stream().map(e -> json(e, null)).toList();
    ctx.json(out);
  }

  /** {@code GET /api/evaluations/{id}}: the evaluation with its report. */
  void evaluation(Context ctx) throws IOException {
    EvaluationRow row = evaluations.evaluation(ctx.pathParam("id"));
    ctx.json(json(row, LumenServer.JSON.readTree(evaluations.report(row))));
  }

  private static Map<String, Object> json(EvaluationRow row, Object report) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", row.id());
    out.put("dataset", row.datasetId());
    try {
      out.put("models", LumenServer.JSON.readTree(row.models()));
      out.put("request", LumenServer.JSON.readTree(row.request()));
    } catch (IOException e) {
      throw new IllegalStateException("a stored evaluation row holds bad JSON", e);
    }
    out.put("createdAt", row.createdAt());
    if (report != null) {
      out.put("report", report);
    }
    return out;
  }
}
