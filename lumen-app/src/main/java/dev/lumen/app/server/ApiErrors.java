package dev.lumen.app.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.lumen.app.jobs.QueueFullException;
import dev.lumen.app.service.ConflictException;
import dev.lumen.app.service.ForbiddenPathException;
import dev.lumen.app.service.NotFoundException;
import dev.lumen.core.LumenException;
import dev.lumen.core.io.JsonErrors;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every exception as the one JSON answer a client gets, {@code {"error": ..., "detail": ...}},
 * and never a stack trace: what the command line calls a usage mistake (exit 2) is 400, an id
 * that names nothing 404, an edit of a version no longer the latest 409, a file or model Lumen cannot use (exit 3) 422, a path outside the
 * readable folders 403 (logged), a full queue 503 with Retry-After; only Lumen's own failures
 * are 500, logged with their trace.
 */
final class ApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  /** A request without the right bearer token. */
  static final class Unauthorized extends RuntimeException {
    Unauthorized() {
      super("this server needs 'Authorization: Bearer TOKEN'");
    }
  }

  /** A request body that is not the JSON expected. */
  static final class BadJson extends RuntimeException {
    BadJson(String message) {
      super(message);
    }
  }

  static BadJson badJson(Exception e) {
    if (e instanceof UnrecognizedPropertyException u) {
      return new BadJson("unknown field '" + JsonErrors.field(u) + "'; known: " + u.getKnownPropertyIds());
    }
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      Throwable cause = m.getCause() instanceof IllegalArgumentException iae ? iae : null;
      return new BadJson(cause != null ? cause.getMessage() : "field '" + JsonErrors.field(m) + "' has the wrong type");
    }
    if (e instanceof JsonMappingException m && m.getCause() instanceof IllegalArgumentException iae) {
      return new BadJson(iae.getMessage());
    }
    if (e instanceof JacksonException j) {
      return new BadJson("the body is not valid JSON (at " + JsonErrors.where(j) + ")");
    }
    return new BadJson("the body cannot be read");
  }

  static void install(Javalin app) {
    app.exception(Unauthorized.class, (e, ctx) -> answer(ctx, 401, "unauthorized", e.getMessage()));
    app.exception(BadJson.class, (e, ctx) -> answer(ctx, 400, "bad request", e.getMessage()));
    app.exception(IllegalArgumentException.class, (e, ctx) -> answer(ctx, 400, "bad request", e.getMessage()));
    app.exception(NotFoundException.class, (e, ctx) -> answer(ctx, 404, "not found", e.getMessage()));
    app.exception(ConflictException.class, (e, ctx) -> answer(ctx, 409, "conflict", e.getMessage()));
    app.exception(LumenException.class, (e, ctx) -> answer(ctx, 422, "unusable input", e.getMessage()));
    app.exception(ForbiddenPathException.class, (e, ctx) -> {
      LOG.warn("refused {} {} from {}: {}", ctx.method(), ctx.path(), ctx.ip(), e.getMessage());
      answer(ctx, 403, "forbidden", e.getMessage());
    });
    app.exception(QueueFullException.class, (e, ctx) -> {
      ctx.header("Retry-After", "5");
      answer(ctx, 503, "busy", e.getMessage());
    });
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("internal error on {} {}", ctx.method(), ctx.path(), e);
      answer(ctx, 500, "internal error", "Lumen failed on this request; the server log has the details");
    });
    app.error(404, ctx -> {
      String answered = ctx.res().getContentType();
      if (answered == null || !answered.startsWith("application/json")) {
        answer(ctx, 404, "not found", "no such endpoint: " + ctx.method() + " " + ctx.path());
      }
    });
    app.error(413, ctx -> answer(ctx, 413, "too large", "the request body is larger than this server accepts"));
  }

  private static void answer(Context ctx, int status, String error, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("detail", detail);
    ctx.status(status).json(body);
  }
}
