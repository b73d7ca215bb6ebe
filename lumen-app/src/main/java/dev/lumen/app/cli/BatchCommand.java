package dev.lumen.app.cli;

import dev.lumen.app.batch.BatchEngine;
import dev.lumen.app.batch.BatchJob;
import dev.lumen.app.batch.BatchSettings;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lumen batch}: a whole archive explained into a Parquet results table, resumable. */
@Command(name = "batch", description = "Explain every study of DATASET (a labelled CSV, or a folder tree of studies, "
    + "NIfTI volumes or DICOM series) by each --method into OUT: results/part-*.parquet (a row per study, target and "
    + "method: prediction, map statistics, scores against masks, quality measures, map files; or the study's error) "
    + "and the maps under maps/. Run it again on the same OUT to finish an interrupted run.")
final class BatchCommand implements Callable<Integer> {
  @Mixin
  ModelOptions options;

  @Parameters(index = "1", paramLabel = "DATASET", description = "A labelled CSV (as evaluate reads; its masks are "
      + "scored) or a folder, searched through its subfolders.")
  Path dataset;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUT", description = "The run's folder: new, empty, "
      + "or an earlier run of the same model and settings to finish.")
  Path out;

  @Option(names = {"-m", "--method"}, split = ",", paramLabel = "METHOD", description = "Explanation methods, or all "
      + "(default: cam).")
  List<String> methods = List.of("cam");

  @ArgGroup(exclusive = true)
  ExplainCommand.TargetOptions targets = new ExplainCommand.TargetOptions();

  @Mixin
  MethodSettingsOptions methodSettings;

  @Mixin
  QualityOptions quality;

  @Mixin
  WindowOption dicom;

  @Option(names = "--engine", paramLabel = "local|spark", description = "Run on this machine's loop, or as a Spark "
      + "job (the same rows; needs lumen-spark, which ./lumen adds for this option) (default: ${DEFAULT-VALUE}).")
  String engine = "local";

  @Option(names = "--master", paramLabel = "URL", description = "--engine spark: where (local[*], spark://HOST:7077, "
      + "yarn, k8s://...; spark-submit's own --master wins) (default: ${DEFAULT-VALUE}).")
  String master = "local[*]";

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    BatchSettings settings = new BatchSettings(methods, methodSettings.values(), targets.toText(), quality.measures(),
        quality.settings(), dicom.window);
    if (!engine.equals("local")) {
      if (options.overridesCard() || options.threads != 0) {
        throw new IllegalArgumentException("--engine " + engine + " reads the card beside the model and gives each "
            + "task spark.task.cpus threads; --card, the card's flags and --threads are for the local engine");
      }
      long start = System.nanoTime();
      long rows = BatchEngine.named(engine).run(options.model, dataset, settings, out,
          options.engineOptions().batchSize(), master);
      spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d rows in %.1f s (engine %s, its start "
          + "included)%n", out.resolve(BatchJob.RESULTS), rows, (System.nanoTime() - start) / 1e9, engine);
      spec.commandLine().getOut().flush();
      return 0;
    }
    BatchJob.Summary s;
    try (Model model = options.load(); StudiesBar bar = new StudiesBar()) {
      s = BatchJob.run(model, dataset, settings, out, bar);
    }
    spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d studies, %d explained, %d failed, %d done "
        + "before; %d rows in %.1f s (%.2f studies/s)%n", out.resolve(BatchJob.RESULTS), s.studies(), s.explained(),
        s.failed(), s.skipped(), s.rows(), s.seconds(), s.perSecond());
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** One bar of whole studies, with their throughput and the current method's own stage beside it. */
  private static final class StudiesBar implements Progress, AutoCloseable {
    private ProgressBar bar;

    @Override
    public void update(String stage, long done, long total) {
      if (bar == null) {
        bar = new ProgressBarBuilder().setTaskName("batch").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(System.err)).showSpeed().setUnit(" studies", 1)
            .continuousUpdate().build();
      }
      if (stage.equals("studies")) {
        bar.maxHint(total);
        bar.stepTo(done);
        bar.setExtraMessage("");
      } else {
        bar.setExtraMessage(" " + stage + " " + done + "/" + total);
      }
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
      }
    }
  }
}
