package dev.lumen.app.store;

/**
 * One evaluation of a model (or an ensemble, or three plane models) on a dataset.
 *
 * @param id the evaluation
 * @param datasetId the dataset
 * @param models the evaluated models' ids as JSON: a list, or planes to ids for an exam evaluation
 * @param request the evaluation request as JSON
 * @param reportBlob the report (JSON) in the blob store
 * @param createdAt when it finished (epoch milliseconds)
 */
public record EvaluationRow(String id, String datasetId, String models, String request, String reportBlob,
                            long createdAt) {}
