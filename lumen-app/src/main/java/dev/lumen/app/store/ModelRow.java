package dev.lumen.app.store;

/**
 * A registered model.
 *
 * @param id the model's id: a hash of its file and its card
 * @param name its file name
 * @param path where it lies (its card beside it)
 * @param sha256 the SHA-256 of the ONNX file
 * @param registeredAt when it was registered (epoch milliseconds)
 */
public record ModelRow(String id, String name, String path, String sha256, long registeredAt) {}
