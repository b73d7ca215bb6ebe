package dev.lumen.app.store;

/**
 * A registered dataset, read in place from a readable folder.
 *
 * @param id a hash of its kind and real path
 * @param name what the user calls it
 * @param kind {@code labels} (a CSV as {@code lumen evaluate} reads), {@code mrnet} (a folder in
 *     the MRNet layout) or {@code folder} (a folder of studies, unlabelled)
 * @param path the CSV file or the folder
 * @param registeredAt when (epoch milliseconds)
 */
public record DatasetRow(String id, String name, String kind, String path, long registeredAt) {}
