package dev.lumen.app.batch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Another engine for {@code lumen batch} than this machine's loop ({@link BatchJob}), found on the
 * class path by its {@link #name()}: the {@code lumen-spark} module's Spark job. The engine runs
 * the same {@link BatchExplainer} and writes the same table.
 */
public interface BatchEngine {
  /** The name {@code --engine} gives. */
  String name();

  /**
   * Explains every study of {@code dataset} into {@code out}, as {@link BatchJob#run} does.
   *
   * @param master where to run ({@code local[*]}, {@code spark://...}); a master the launcher
   *     (spark-submit) set wins
   * @return the rows written
   */
  long run(Path model, Path dataset, BatchSettings settings, Path out, int batch, String master) throws IOException;

  /**
   * The engine named {@code name}.
   *
   * @throws IllegalArgumentException when none on the class path has that name
   */
  static BatchEngine named(String name) {
    for (BatchEngine engine : ServiceLoader.load(BatchEngine.class)) {
      if (engine.name().equals(name)) {
        return engine;
      }
    }
    throw new IllegalArgumentException("--engine " + name + " is not on the class path: ./lumen runs it with "
        + "lumen-spark and Spark when the command has --engine spark; with spark-submit, submit lumen-spark.jar");
  }
}
