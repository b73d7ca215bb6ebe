package dev.lumen.app.server;

import dev.lumen.app.jobs.JobQueue;
import dev.lumen.app.service.ExplainRequest;
import dev.lumen.app.service.LumenService;
import dev.lumen.app.service.NotFoundException;
import dev.lumen.app.store.ExplanationRow;
import dev.lumen.app.store.JobRow;
import dev.lumen.app.store.JobState;
import dev.lumen.app.store.ModelRow;
import dev.lumen.core.io.Npy;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.postprocess.Regions;
import dev.lumen.core.tensor.Tensor;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The handlers of {@link LumenServer}: each parses, calls the service layer, serialises. */
final class Routes {
  /** The longest a request may wait for its explanation job ({@code ?wait=}): a minute. */
  static final double MAX_WAIT_MS = 60_000;

  private final LumenService service;
  private final JobQueue jobs;

  Routes(LumenService service, JobQueue jobs) {
    this.service = service;
    this.jobs = jobs;
  }

  /** The body of {@code POST /api/models}. */
  record ModelPath(String path) {}

  /** The body of {@code POST /api/predictions}. */
  record PredictionRequest(String model, String study) {}

  void models(Context ctx) {
    ctx.json(service.store().models().stream().map(this::model).toList());
  }

  void registerModel(Context ctx) {
    ModelPath body = LumenServer.body(ctx, ModelPath.class);
    if (body.path() == null) {
      throw new IllegalArgumentException("give the model's 'path'");
    }
    ctx.status(201).json(model(service.registerModel(body.path())));
  }

  /** {@code POST /api/models/upload}: multipart with the ONNX file as {@code model} and, optionally, its card as {@code card}. */
  void uploadModel(Context ctx) throws IOException {
    io.javalin.http.UploadedFile model = ctx.uploadedFile("model");
    if (model == null) {
      throw new IllegalArgumentException("upload the ONNX file as the multipart field 'model' (and its card as 'card')");
    }
    io.javalin.http.UploadedFile card = ctx.uploadedFile("card");
    byte[] cardBytes = card == null ? null : card.contentAndClose(in -> read(in));
    ctx.status(201).json(model(service.uploadModel(model.filename(), model.contentAndClose(in -> read(in)), cardBytes)));
  }

  private static byte[] read(java.io.InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  void model(Context ctx) {
    ModelRow row = service.store().model(ctx.pathParam("id")).orElseThrow(() -> new NotFoundException("model",
        ctx.pathParam("id")));
    ctx.json(model(row));
  }

  private Map<String, Object> model(ModelRow row) {
    Model m = service.model(row.id());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", row.id());
    out.put("name", row.name());
    out.put("sha256", row.sha256());
    out.put("labels", m.labels());
    out.put("task", m.task().cardName());
    out.put("volume", m.input().volume());
    out.put("volumetric", m.input().volumetric());
    out.put("input", Map.of("width", m.input().width(), "height", m.input().height(),
        "channels", m.input().channels().name().toLowerCase(java.util.Locale.ROOT), "depth", m.input().depth()));
    out.put("layer", m.defaultLayer());
    return out;
  }

  void studies(Context ctx) {
    ctx.json(service.store().studies());
  }

  void uploadStudy(Context ctx) throws IOException {
    String name = Optional.ofNullable(ctx.queryParam("name")).orElse("upload");
    if (!name.matches("[A-Za-z0-9._ -]{1,200}")) {
      throw new IllegalArgumentException("'name' may hold letters, digits, '.', '_', '-' and spaces, got " + name);
    }
    ctx.status(201).json(service.registerStudy(name, ctx.bodyAsBytes()));
  }

  void study(Context ctx) {
    ctx.json(service.store().study(ctx.pathParam("id")).orElseThrow(() -> new NotFoundException("study",
        ctx.pathParam("id"))));
  }

  /**
   * {@code GET /api/studies/{id}/pixels.u8}: the study's grey values for a browser to draw:
   * three big-endian int32 (slices, height, width), two big-endian float32 (the lowest and
   * highest value), then one byte per pixel, {@code value = low + byte / 255 * (high - low)};
   * colour images are shown as the mean of their channels.
   */
  void pixels(Context ctx) {
    List<dev.lumen.core.image.Image> slices = service.studySlices(ctx.pathParam("id"));
    int h = slices.get(0).height();
    int w = slices.get(0).width();
    float[][] grey = new float[slices.size()][];
    float low = Float.POSITIVE_INFINITY;
    float high = Float.NEGATIVE_INFINITY;
    for (int s = 0; s < grey.length; s++) {
      float[] px = slices.get(s).pixels().unsafeData();
      int channels = slices.get(s).channels();
      grey[s] = new float[h * w];
      for (int i = 0; i < h * w; i++) {
        float sum = 0;
        for (int c = 0; c < channels; c++) {
          sum += px[c * h * w + i];
        }
        grey[s][i] = sum / channels;
        low = Math.min(low, grey[s][i]);
        high = Math.max(high, grey[s][i]);
      }
    }
    ByteBuffer out = ByteBuffer.allocate(20 + grey.length * h * w);
    out.putInt(grey.length).putInt(h).putInt(w).putFloat(low).putFloat(high);
    float range = high > low ? high - low : 1;
    for (float[] slice : grey) {
      for (float v : slice) {
        out.put((byte) Math.round((v - low) / range * 255));
      }
    }
    ctx.contentType("application/octet-stream").result(out.array());
  }

  /**
   * {@code GET /api/studies/{id}/evidence?model=M&label=L}: each slice's share of the model's
   * logit of L (the terms of the max-over-slices head that the slice wins).
   */
  void evidence(Context ctx) {
    String model = ctx.queryParam("model");
    String label = ctx.queryParam("label");
    if (model == null || label == null) {
      throw new IllegalArgumentException("slice evidence needs the 'model' and the 'label'");
    }
    double[] slices = service.sliceEvidence(model, ctx.pathParam("id"), label);
    ctx.json(Map.of("label", label, "slices", slices, "total", java.util.Arrays.stream(slices).sum()));
  }

  void predict(Context ctx) {
    PredictionRequest body = LumenServer.body(ctx, PredictionRequest.class);
    if (body.model() == null || body.study() == null) {
      throw new IllegalArgumentException("a prediction needs 'model' and 'study'");
    }
    Prediction p = service.predict(body.model(), body.study());
    ctx.json(Map.of("study", body.study(), "task", p.task().cardName(), "scores", p.scores()));
  }

  /**
   * Answers with the stored explanations when every target's is there (200), else queues a
   * job that computes them and answers 202 with the job — or, given {@code ?wait=MS}, waits up
   * to that long for the job and answers 200 with the explanations when it is done by then,
   * which spares a fast method's client the event stream and a second request.
   */
  void explain(Context ctx) throws InterruptedException {
    ExplainRequest request = LumenServer.body(ctx, ExplainRequest.class);
    long wait = Math.round(LumenServer.rangeParameter(ctx, "wait", 0, MAX_WAIT_MS, 0));
    Optional<List<ExplanationRow>> stored = service.cached(request);
    if (stored.isEmpty()) {
      JobRow job = jobs.submit("explain", LumenServer.requestJson(request));
      if (wait > 0) {
        job = jobs.await(job.id(), Duration.ofMillis(wait));
      }
      if (job.state() != JobState.DONE) {
        ctx.status(202).json(Map.of("job", LumenServer.job(job, jobs)));
        return;
      }
      stored = service.cached(request);
    }
    ctx.json(Map.of("explanations", stored.orElseThrow().stream().map(Routes::explanation).toList()));
  }

  void explanation(Context ctx) {
    ctx.json(explanation(row(ctx)));
  }

  static Map<String, Object> explanation(ExplanationRow row) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("key", row.cacheKey());
    out.put("model", row.modelId());
    out.put("study", row.studyId());
    out.put("method", row.method());
    out.put("layer", row.layer());
    out.put("target", Map.of("label", row.targetLabel(), "index", row.targetIndex(), "score", row.score()));
    String base = "/api/explanations/" + row.cacheKey() + "/";
    Map<String, String> files = new LinkedHashMap<>();
    files.put("raw", base + "raw.npy");
    files.put("map", base + "map.npy");
    files.put("overlay", base + "overlay.png");
    files.put("compact", base + "map.u8");
    files.put("boxes", base + "boxes.json");
    if (row.detailsBlob() != null && row.method().equals("lime")) {
      files.put("lime", base + "lime.json");
      files.put("segments", base + "segments.npy");
    } else if (row.detailsBlob() != null) {
      files.put("details", base + "details.json");
    }
    out.put("files", files);
    return out;
  }

  /**
   * A stored explanation's file: {@code raw.npy}, {@code map.npy}, {@code overlay.png}, or
   * {@code map.u8}, the normalised map for a browser to draw: three big-endian int32 (slices,
   * height, width), then one byte per pixel (value × 255, rounded).
   */
  void explanationFile(Context ctx) throws IOException {
    ExplanationRow row = row(ctx);
    String file = ctx.pathParam("file");
    switch (file) {
      case "raw.npy" -> send(ctx, row.rawBlob(), "application/octet-stream");
      case "map.npy" -> send(ctx, row.mapBlob(), "application/octet-stream");
      case "overlay.png" -> ctx.contentType("image/png").result(Files.readAllBytes(service.overlay(row)));
      case "map.u8" -> ctx.contentType("application/octet-stream").result(compact(row));
      case "boxes.json" -> ctx.json(boxes(row, (float) LumenServer.rangeParameter(ctx, "threshold", 0.01, 1, 0.5)));
      case "lime.json", "details.json" -> send(ctx, details(row), "application/json");
      case "segments.npy" -> send(ctx, LumenServer.JSON.readTree(Files.readAllBytes(blob(details(row))))
          .get("segments").asText(), "application/octet-stream");
      default -> throw new NotFoundException("file", file + " (raw.npy, map.npy, overlay.png, map.u8, boxes.json, "
          + "lime.json, segments.npy, details.json)");
    }
  }

  /**
   * The regions of every slice's normalised map at or above {@code level}:
   * 8-connected components with their boxes, in the study's pixels, most confident first.
   */
  private List<Map<String, Object>> boxes(ExplanationRow row, float level) {
    Tensor map = Npy.read(blob(row.mapBlob())).tensor();
    List<Map<String, Object>> out = new java.util.ArrayList<>();
    for (int s = 0; s < map.dim(0); s++) {
      for (Regions.Box b : Regions.of(map.slice(s), level)) {
        Map<String, Object> box = new LinkedHashMap<>();
        box.put("slice", s);
        box.put("box", List.of(b.x0(), b.y0(), b.x1(), b.y1()));
        box.put("confidence", b.confidence());
        box.put("pixels", b.pixels());
        out.add(box);
      }
    }
    return out;
  }

  private static String details(ExplanationRow row) {
    if (row.detailsBlob() == null) {
      throw new NotFoundException("details", row.cacheKey() + "' (method " + row.method() + " has none");
    }
    return row.detailsBlob();
  }

  private byte[] compact(ExplanationRow row) {
    Tensor map = Npy.read(blob(row.mapBlob())).tensor();
    ByteBuffer out = ByteBuffer.allocate(12 + map.size());
    out.putInt(map.dim(0)).putInt(map.dim(1)).putInt(map.dim(2));
    for (float v : map.unsafeData()) {
      out.put((byte) Math.round(Math.max(0, Math.min(1, v)) * 255));
    }
    return out.array();
  }

  private void send(Context ctx, String blob, String type) throws IOException {
    ctx.contentType(type).result(Files.readAllBytes(blob(blob)));
  }

  private Path blob(String hash) {
    return service.blobs().path(hash).orElseThrow(() -> new IllegalStateException("blob " + hash + " is missing"));
  }

  private ExplanationRow row(Context ctx) {
    return service.store().explanation(ctx.pathParam("key")).orElseThrow(() -> new NotFoundException("explanation",
        ctx.pathParam("key")));
  }

  void jobs(Context ctx) {
    ctx.json(service.store().jobs().stream().map(j -> LumenServer.job(j, jobs)).toList());
  }

  void job(Context ctx) {
    ctx.json(LumenServer.job(jobRow(ctx.pathParam("id")), jobs));
  }

  void cancel(Context ctx) {
    jobRow(ctx.pathParam("id"));
    jobs.cancel(ctx.pathParam("id"));
    ctx.json(LumenServer.job(jobRow(ctx.pathParam("id")), jobs));
  }

  private JobRow jobRow(String id) {
    return service.store().job(id).orElseThrow(() -> new NotFoundException("job", id));
  }

  /**
   * Server-Sent Events of one job: a {@code job} event with its state and progress now and on
   * every change, until it ends.
   */
  void events(SseClient client) {
    String id = client.ctx().pathParam("id");
    if (service.store().job(id).isEmpty()) {
      client.sendEvent("error", Map.of("error", "not found", "detail", "no job '" + id + "'"));
      client.close();
      return;
    }
    Consumer<String> listener = changed -> {
      if (changed.equals(id) && !client.terminated()) {
        JobRow row = jobRow(id);
        client.sendEvent("job", LumenServer.job(row, jobs));
        if (row.state().ended()) {
          client.close();
        }
      }
    };
    jobs.listen(listener);
    client.onClose(() -> jobs.unlisten(listener));
    JobRow now = jobRow(id);
    client.sendEvent("job", LumenServer.job(now, jobs));
    if (now.state().ended()) {
      client.close();
    } else {
      client.keepAlive();
    }
  }
}
