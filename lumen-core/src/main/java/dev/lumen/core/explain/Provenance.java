package dev.lumen.core.explain;

/**
 * Where an explanation came from, so a stored map can be traced and reproduced.
 *
 * @param model the model's file name
 * @param modelSha256 SHA-256 of the model file
 * @param method the explanation method, for example {@code cam}
 * @param layer the tensor the method explained
 * @param lumenVersion the Lumen version that computed it
 */
public record Provenance(String model, String modelSha256, String method, String layer, String lumenVersion) {}
