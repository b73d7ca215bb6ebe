package dev.lumen.app.annotate;

/**
 * One version of a clinician's annotation: a region of one slice of a study marked with a label
 * and a note. Editing makes a new version under the same id; deleting makes a last version with
 * {@code deleted} set; no version is ever changed or removed.
 *
 * @param id the annotation, the same through its versions
 * @param version 1 for the first, then one more per edit
 * @param studyId the study
 * @param slice the slice (0 for an image)
 * @param label what the region shows (a finding, an organ)
 * @param region the marked pixels
 * @param note free text
 * @param author who wrote this version
 * @param createdAt when this version was written (epoch milliseconds)
 * @param deleted whether this version removes the annotation
 */
public record Annotation(String id, int version, String studyId, int slice, String label, Region region, String note,
                         String author, long createdAt, boolean deleted) {}
