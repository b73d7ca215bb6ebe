package dev.lumen.app.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lumen.app.jobs.JobQueue;
import dev.lumen.app.service.EvaluationRequest;
import dev.lumen.app.service.Evaluations;
import dev.lumen.app.service.ExplainRequest;
import dev.lumen.app.service.LumenService;
import dev.lumen.app.service.Methods;
import dev.lumen.app.store.ExplanationRow;
import dev.lumen.app.store.JobRow;
import dev.lumen.core.Version;
import dev.lumen.core.runtime.EngineOptions;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code lumen serve}'s HTTP API over the service layer: handlers parse, call
 * {@link LumenService} or the {@link JobQueue}, and serialise; errors become JSON
 * {@code {"error": ..., "detail": ...}} in {@link ApiErrors}. With a token every request needs
 * {@code Authorization: Bearer TOKEN}.
 *
 * <pre>{@code
 * try (LumenServer server = LumenServer.start(service, jobs, settings)) {
 *   System.out.println("Lumen at " + server.url());
 * }
 * }</pre>
 */
public final class LumenServer implements AutoCloseable {
  static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  /**
   * How the server listens.
   *
   * @param host the address to bind (127.0.0.1 unless a token is given)
   * @param port the port, 0 for any free one
   * @param token the bearer token every request must carry, or null on loopback
   * @param maxUploadBytes the largest request body
   */
  public record Settings(String host, int port, String token, long maxUploadBytes) {
    public Settings {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
      }
      boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
      if (!loopback && (token == null || token.isBlank())) {
        throw new IllegalArgumentException("binding to " + host + " exposes the server beyond this machine: give "
            + "--token TOKEN, which every request must then carry");
      }
    }
  }

  private final Javalin app;
  private final String host;

  private LumenServer(Javalin app, String host) {
    this.app = app;
    this.host = host;
  }

  /** Starts the API on {@code settings}' address. */
  public static LumenServer start(LumenService service, JobQueue jobs, Settings settings) {
    Javalin app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.http.maxRequestSize = settings.maxUploadBytes();
      config.staticFiles.enableWebjars();
      // the viewer: plain HTML, CSS and JavaScript modules from the jar, no build step
      config.staticFiles.add(files -> {
        files.hostedPath = "/";
        files.directory = "/dev/lumen/app/viewer";
        files.location = io.javalin.http.staticfiles.Location.CLASSPATH;
      });
      config.jetty.multipartConfig.maxFileSize(settings.maxUploadBytes(), io.javalin.config.SizeUnit.BYTES);
      config.jetty.multipartConfig.maxTotalRequestSize(settings.maxUploadBytes(), io.javalin.config.SizeUnit.BYTES);
    });
    if (settings.token() != null) {
      app.before("/api/*", ctx -> {
        if (!("Bearer " + settings.token()).equals(ctx.header("Authorization"))) {
          throw new ApiErrors.Unauthorized();
        }
      });
    }
    ApiErrors.install(app);
    Routes routes = new Routes(service, jobs);
    app.get("/api/health", ctx -> ctx.json(Map.of("status", "ok", "version", Version.get())));
    app.get("/api/methods", ctx -> ctx.json(Methods.DESCRIPTIONS));
    app.get("/api/models", routes::models);
    app.post("/api/models", routes::registerModel);
    app.post("/api/models/upload", routes::uploadModel);
    app.get("/api/models/{id}", routes::model);
    app.get("/api/studies", routes::studies);
    app.post("/api/studies", routes::uploadStudy);
    app.get("/api/studies/{id}", routes::study);
    app.get("/api/studies/{id}/pixels.u8", routes::pixels);
    app.get("/api/studies/{id}/evidence", routes::evidence);
    app.post("/api/predictions", routes::predict);
    app.post("/api/explanations", routes::explain);
    app.get("/api/explanations/{key}", routes::explanation);
    app.get("/api/explanations/{key}/{file}", routes::explanationFile);
    app.get("/api/jobs", routes::jobs);
    app.get("/api/jobs/{id}", routes::job);
    app.delete("/api/jobs/{id}", routes::cancel);
    app.sse("/api/jobs/{id}/events", routes::events);
    AnnotationRoutes annotations = new AnnotationRoutes(service);
    app.get("/api/studies/{id}/annotations", annotations::list);
    app.post("/api/studies/{id}/annotations", annotations::create);
    app.get("/api/studies/{id}/masks/{label}", annotations::mask);
    app.get("/api/studies/{id}/agreement", annotations::agreement);
    app.get("/api/annotations/{id}", annotations::latest);
    app.put("/api/annotations/{id}", annotations::edit);
    app.delete("/api/annotations/{id}", annotations::delete);
    app.get("/api/annotations/{id}/versions", annotations::versions);
    app.get("/api/exports/annotations.zip", annotations::export);
    DatasetRoutes datasets = new DatasetRoutes(service, new Evaluations(service, EngineOptions.defaults()), jobs);
    app.get("/api/datasets", datasets::list);
    app.post("/api/datasets", datasets::register);
    app.get("/api/datasets/{id}", datasets::dataset);
    app.get("/api/datasets/{id}/cases", datasets::cases);
    app.get("/api/datasets/{id}/cases/{case}", datasets::opened);
    app.get("/api/datasets/{id}/cases/{case}/masks/{label}", datasets::mask);
    app.post("/api/evaluations", datasets::evaluate);
    app.get("/api/evaluations", datasets::evaluationList);
    app.get("/api/evaluations/{id}", datasets::evaluation);
    String openApi = resource("openapi.json");
    String docs = resource("docs.html").replace("VERSION", swaggerUiVersion());
    app.get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
    app.get("/api/docs", ctx -> ctx.html(docs));
    app.start(settings.host(), settings.port());
    return new LumenServer(app, settings.host());
  }

  private static String resource(String name) {
    try (java.io.InputStream in = LumenServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource missing from the jar: " + name);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The version of the Swagger UI WebJar on the class path, which names its folder. */
  private static String swaggerUiVersion() {
    java.util.Properties p = new java.util.Properties();
    try (java.io.InputStream in = LumenServer.class.getResourceAsStream(
        "/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      p.load(in);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("the Swagger UI WebJar is missing from the class path", e);
    }
    return p.getProperty("version");
  }

  /** Where the server listens, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + app.port();
  }

  /** The port it listens on. */
  public int port() {
    return app.port();
  }

  /** Stops listening. Safe to call twice. */
  @Override
  public void close() {
    app.stop();
  }

  /** Reads a JSON body as {@code type}, naming the field a mistake is in. */
  static <T> T body(Context ctx, Class<T> type) {
    try {
      return JSON.readValue(ctx.bodyAsBytes(), type);
    } catch (IOException e) {
      throw ApiErrors.badJson(e);
    }
  }

  /**
   * The query parameter {@code name} as a number in [{@code low}, {@code high}] ({@code fallback}
   * when absent), named in the message when it is not one.
   */
  static double rangeParameter(Context ctx, String name, double low, double high, double fallback) {
    String given = ctx.queryParam(name);
    try {
      double value = given == null ? fallback : Double.parseDouble(given);
      if (value >= low && value <= high) {
        return value;
      }
    } catch (NumberFormatException e) {
      // named below
    }
    throw new IllegalArgumentException("'" + name + "' must be a number in [" + shown(low) + ", " + shown(high)
        + "], got " + given);
  }

  private static String shown(double bound) {
    return bound == Math.rint(bound) ? String.valueOf((long) bound) : String.valueOf(bound);
  }

  /** A job as the API shows it. */
  static Map<String, Object> job(JobRow row, JobQueue jobs) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("id", row.id());
    out.put("kind", row.kind());
    out.put("state", row.state().word());
    jobs.progress(row.id()).ifPresent(p -> out.put("progress", Map.of("stage", p.stage(), "done", p.done(),
        "total", p.total())));
    out.put("error", row.error());
    out.put("result", row.result() == null ? null : read(row.result()));
    out.put("createdAt", row.createdAt());
    out.put("startedAt", row.startedAt());
    out.put("finishedAt", row.finishedAt());
    return out;
  }

  private static Object read(String json) {
    try {
      return JSON.readValue(json, Object.class);
    } catch (IOException e) {
      return json;
    }
  }

  /** A request as a job's stored request. */
  static String requestJson(Object request) {
    try {
      return JSON.writeValueAsString(request);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The kinds of job the server runs, over {@code service}: {@code explain} computes and stores
   * the maps of an {@link ExplainRequest} and returns their keys; {@code evaluate} runs an
   * {@link EvaluationRequest} and returns the evaluation's id.
   */
  public static Map<String, JobQueue.Work> jobKinds(LumenService service) {
    Evaluations evaluations = new Evaluations(service, EngineOptions.defaults());
    return Map.of("explain", (request, progress) -> {
      ExplainRequest parsed = JSON.readValue(request, ExplainRequest.class);
      List<String> keys = service.explain(parsed, progress).stream().map(ExplanationRow::cacheKey).toList();
      return JSON.writeValueAsString(Map.of("explanations", keys));
    }, "evaluate", (request, progress) -> {
      String id = evaluations.run(JSON.readValue(request, EvaluationRequest.class), progress);
      return JSON.writeValueAsString(Map.of("evaluation", id));
    });
  }
}
