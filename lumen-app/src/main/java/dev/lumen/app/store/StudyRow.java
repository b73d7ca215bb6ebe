package dev.lumen.app.store;

/**
 * A registered study: its bytes lie in the blob store.
 *
 * @param id the study's id: the start of its content's hash
 * @param name the name it was registered under (a file name)
 * @param blob the content hash of its file in the blob store
 * @param kind {@code image} (PNG, JPEG, a 2D array) or {@code volume} (an exam's stack)
 * @param registeredAt when it was registered (epoch milliseconds)
 */
public record StudyRow(String id, String name, String blob, String kind, long registeredAt) {}
