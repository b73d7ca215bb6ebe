package dev.lumen.app.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumen.app.output.Folders;
import dev.lumen.core.LumenException;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.io.AtomicFiles;
import dev.lumen.core.model.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code lumen batch} on one machine: every study of a dataset explained into a results table
 * under the run's folder ({@code results/part-*.parquet}, the maps under {@code maps/}). A
 * rerun skips the results the table holds (by content key) and finishes the rest; each part is
 * written whole after its chunk, so an interrupted run loses at most the chunk in progress.
 * The next chunk is read and decoded on a second thread while the current one is explained.
 */
public final class BatchJob {
  /** The run's description, checked on a rerun. */
  static final String DESCRIPTION = "batch.json";
  /** The results table's folder in the run's folder. */
  public static final String RESULTS = "results";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What a run did.
   *
   * @param studies the dataset's studies
   * @param skipped those whose every result the table held already
   * @param explained those explained by every method now
   * @param failed those with a failure row now
   * @param rows the rows written now
   * @param seconds the run's wall time
   */
  public record Summary(int studies, int skipped, int explained, int failed, int rows, double seconds) {
    /** Studies explained or failed per second. */
    public double perSecond() {
      return seconds > 0 ? (explained + failed) / seconds : 0;
    }
  }

  private BatchJob() {}

  /**
   * Explains every study of {@code dataset} with {@code model} into {@code out}.
   *
   * @param progress told of whole studies ({@code studies} stage) and of the methods' own stages
   * @throws LumenException naming {@code out} when it holds a run of another model or settings
   */
  public static Summary run(Model model, Path dataset, BatchSettings settings, Path out, Progress progress)
      throws IOException {
    long start = System.nanoTime();
    List<BatchStudy> studies = BatchDataset.read(dataset, model.input().volume(), model.labels());
    Set<String> done = ConcurrentHashMap.newKeySet();
    done.addAll(prepare(model, settings, out));
    Path results = out.resolve(RESULTS);
    int part = ResultTable.parts(results).stream().mapToInt(BatchJob::partNumber).max().orElse(-1) + 1;
    ResultTable table = new ResultTable(settings.qualityFields());
    int chunk = model.input().volume() ? 1 : model.options().batchSize();
    List<List<BatchStudy>> chunks = new ArrayList<>();
    for (int i = 0; i < studies.size(); i += chunk) {
      chunks.add(studies.subList(i, Math.min(studies.size(), i + chunk)));
    }
    int skipped = 0;
    int explained = 0;
    int failed = 0;
    int rows = 0;
    ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "lumen-batch-reader");
      t.setDaemon(true);
      return t;
    });
    progress.update("studies", 0, studies.size());
    try (BatchExplainer explainer = new BatchExplainer(model, settings, out)) {
      Future<List<BatchExplainer.Loaded>> next = chunks.isEmpty() ? null : read(reader, explainer, chunks.get(0), done);
      for (int c = 0; c < chunks.size(); c++) {
        List<BatchExplainer.Loaded> loaded = next.get();
        next = c + 1 < chunks.size() ? read(reader, explainer, chunks.get(c + 1), done) : null;
        List<ResultRow> written = explainer.explain(loaded, done, progress);
        if (!written.isEmpty()) {
          table.write(results.resolve(String.format(Locale.ROOT, "part-%05d.parquet", part++)), written);
        }
        Set<String> failedNow = new HashSet<>();
        written.stream().filter(r -> r.error() != null).forEach(r -> failedNow.add(r.study()));
        for (BatchExplainer.Loaded study : loaded) {
          if (done.containsAll(explainer.keys(study))) {
            skipped++;
          } else if (failedNow.contains(study.study().name())) {
            failed++;
          } else {
            explained++;
          }
        }
        written.forEach(r -> done.add(r.key()));
        rows += written.size();
        progress.update("studies", (long) Math.min(studies.size(), (c + 1) * chunk), studies.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      reader.shutdownNow();
    }
    return new Summary(studies.size(), skipped, explained, failed, rows, (System.nanoTime() - start) / 1e9);
  }

  private static Future<List<BatchExplainer.Loaded>> read(ExecutorService reader, BatchExplainer explainer,
      List<BatchStudy> chunk, Set<String> done) {
    return reader.submit(() -> chunk.stream().map(s -> explainer.load(s, done)).toList());
  }

  /**
   * Readies {@code out} for a run (its description written, or on a rerun checked, and a killed
   * run's temporary files removed) and gives the keys its table holds.
   *
   * @throws LumenException naming {@code out} when it holds a run of another model or settings,
   *     or is a folder of something else
   */
  public static Set<String> prepare(Model model, BatchSettings settings, Path out) throws IOException {
    describe(model, settings, out);
    Set<String> done = new HashSet<>();
    ResultTable.readAll(out.resolve(RESULTS)).forEach(r -> done.add(r.key()));
    return done;
  }

  /** Writes the run's description, or on a rerun checks that it is the same model and settings. */
  private static void describe(Model model, BatchSettings settings, Path out) throws IOException {
    Path file = out.resolve(DESCRIPTION);
    ObjectNode description = JSON.createObjectNode();
    description.put("modelSha256", model.sha256());
    description.set("settings", JSON.readTree(settings.keyText()));
    description.putPOJO("methods", settings.methods());
    if (Files.exists(file)) {
      JsonNode held = JSON.readTree(file.toFile());
      if (!held.path("modelSha256").equals(description.get("modelSha256"))
          || !held.path("settings").equals(description.get("settings"))) {
        throw new LumenException(out, "holds a batch run of another model or other settings; give a new folder "
            + "(methods may be added to a run, nothing else changed)");
      }
      Folders.removeLeftovers(out);   // what a killed run was writing
    } else if (Files.isDirectory(out)) {
      try (var entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw new LumenException(out, "is not empty and holds no batch run (no " + DESCRIPTION + "); give a new "
              + "or empty folder");
        }
      }
    }
    AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(description));
  }

  private static int partNumber(Path part) {
    String name = part.getFileName().toString();
    try {
      return Integer.parseInt(name.substring("part-".length(), name.length() - ".parquet".length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
