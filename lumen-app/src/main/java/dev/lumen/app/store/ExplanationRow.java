package dev.lumen.app.store;

/**
 * One stored explanation: a target's maps of one study by one model and method with its
 * settings, under the key those make, so that asking again costs nothing.
 *
 * @param cacheKey SHA-256 of model, study, method, layer, settings and target
 * @param modelId the model
 * @param studyId the study
 * @param method the method's name
 * @param layer the explained layer (or input)
 * @param settings the resolved method settings, as JSON
 * @param targetLabel the explained label
 * @param targetIndex its index among the model's labels
 * @param score the model's probability for it
 * @param rawBlob the raw map ({@code .npy}, {@code [slices, h, w]})
 * @param mapBlob the normalised map in the study's geometry ({@code .npy}, {@code [slices, H, W]})
 * @param overlayBlob the overlay ({@code .png}; for a volume its middle slice), or null until it is first fetched
 * @param createdAt when it was computed (epoch milliseconds)
 * @param detailsBlob what the method learnt beside the map ({@code .json}; LIME's surrogate,
 *     another method's {@link dev.lumen.core.explain.Explanation#details}), or null
 */
public record ExplanationRow(String cacheKey, String modelId, String studyId, String method, String layer,
                             String settings, String targetLabel, int targetIndex, double score, String rawBlob,
                             String mapBlob, String overlayBlob, long createdAt, String detailsBlob) {}
