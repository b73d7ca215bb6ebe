package dev.lumen.app.store;

/**
 * One stored version of an annotation (see {@code dev.lumen.app.annotate.Annotation}), with its
 * region as the shape's name and its JSON.
 */
public record AnnotationRow(String id, int version, String studyId, int slice, String label, String shape,
                            String geometry, String note, String author, long createdAt, boolean deleted) {}
