package dev.lumen.app.server;

import dev.lumen.app.annotate.Agreement;
import dev.lumen.app.annotate.Annotation;
import dev.lumen.app.annotate.AnnotationRequest;
import dev.lumen.app.annotate.Annotations;
import dev.lumen.app.annotate.MaskExport;
import dev.lumen.app.service.LumenService;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The annotation handlers of {@link LumenServer}: per study, versioned, exported as masks. */
final class AnnotationRoutes {
  private final LumenService service;
  private final Annotations annotations;
  private final Agreement agreement;

  AnnotationRoutes(LumenService service) {
    this.service = service;
    this.annotations = new Annotations(service);
    this.agreement = new Agreement(service, annotations);
  }

  /**
   * {@code GET /api/studies/{id}/agreement?label=L[&threshold=T]}: every stored explanation of
   * the label on the study against the study's annotations of it.
   */
  void agreement(Context ctx) {
    String label = ctx.queryParam("label");
    if (label == null) {
      throw new IllegalArgumentException("give the annotated 'label'");
    }
    double level = LumenServer.rangeParameter(ctx, "threshold", 0, 1, 0.5);
    ctx.json(agreement.of(ctx.pathParam("id"), label, level));
  }

  /** {@code GET /api/studies/{id}/annotations}: the study's current annotations. */
  void list(Context ctx) {
    ctx.json(annotations.of(ctx.pathParam("id")).stream().map(AnnotationRoutes::json).toList());
  }

  /** {@code POST /api/studies/{id}/annotations}: a new annotation (201). */
  void create(Context ctx) {
    AnnotationRequest body = LumenServer.body(ctx, AnnotationRequest.class);
    ctx.status(201).json(json(annotations.create(ctx.pathParam("id"), body)));
  }

  /** {@code GET /api/annotations/{id}}: its latest version. */
  void latest(Context ctx) {
    ctx.json(json(annotations.latest(ctx.pathParam("id"))));
  }

  /** {@code PUT /api/annotations/{id}}: the next version, made from the one the body names (else 409). */
  void edit(Context ctx) {
    AnnotationRequest body = LumenServer.body(ctx, AnnotationRequest.class);
    ctx.json(json(annotations.edit(ctx.pathParam("id"), body)));
  }

  /** {@code DELETE /api/annotations/{id}?version=N&author=NAME}: a last version marked deleted. */
  void delete(Context ctx) {
    String version = ctx.queryParam("version");
    if (version == null || !version.matches("[0-9]{1,9}")) {
      throw new IllegalArgumentException("give the 'version' being deleted as a query parameter, got " + version);
    }
    ctx.json(json(annotations.delete(ctx.pathParam("id"), Integer.parseInt(version), ctx.queryParam("author"))));
  }

  /** {@code GET /api/annotations/{id}/versions}: every version, oldest first. */
  void versions(Context ctx) {
    ctx.json(annotations.versions(ctx.pathParam("id")).stream().map(AnnotationRoutes::json).toList());
  }

  /**
   * {@code GET /api/studies/{id}/masks/{label}}: the union of the label's regions as a
   * {@code uint8 [slices, height, width]} {@code .npy} array, 1 inside.
   */
  void mask(Context ctx) {
    String id = ctx.pathParam("id");
    String label = ctx.pathParam("label");
    byte[] mask = annotations.maskNpy(id, label);
    if (mask == null) {
      throw new dev.lumen.app.service.NotFoundException("annotation labelled", label + "' on study '" + id);
    }
    ctx.contentType("application/octet-stream").result(mask);
  }

  /** {@code GET /api/exports/annotations.zip[?study=ID...]}: the masks as {@code lumen evaluate} reads them. */
  void export(Context ctx) throws IOException {
    List<String> studies = ctx.queryParams("study");
    studies.forEach(service::study);
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    MaskExport.write(service, annotations, studies, zip);
    ctx.contentType("application/zip").header("Content-Disposition", "attachment; filename=\"annotations.zip\"")
        .result(zip.toByteArray());
  }

  static Map<String, Object> json(Annotation a) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", a.id());
    out.put("version", a.version());
    out.put("study", a.studyId());
    out.put("slice", a.slice());
    out.put("label", a.label());
    out.put("shape", a.region().shape());
    out.putAll(a.region().geometry());
    out.put("note", a.note());
    out.put("author", a.author());
    out.put("createdAt", a.createdAt());
    out.put("deleted", a.deleted());
    return out;
  }
}
