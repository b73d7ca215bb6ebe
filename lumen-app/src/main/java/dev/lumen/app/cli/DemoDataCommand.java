package dev.lumen.app.cli;

import dev.lumen.app.demodata.ChestDataset;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lumen demo-data}: synthetic studies with ground-truth masks, from a seed, offline. */
@Command(name = "demo-data", mixinStandardHelpOptions = true, versionProvider = LumenVersion.class,
    description = "Draw synthetic chest radiographs (lungs, ribs, spine, clavicles, heart) with nodules, opacities, "
        + "effusions and cardiomegaly, each with its pixel mask, plus train.csv and valid.csv for evaluate and train-head.")
final class DemoDataCommand implements Callable<Integer> {
  @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("lumen-demo-data");

  @Option(names = "--count", description = "Studies (default: ${DEFAULT-VALUE}).")
  int count = 200;

  @Option(names = "--size", description = "Side in pixels (default: ${DEFAULT-VALUE}).")
  int size = 256;

  @Option(names = "--valid", description = "Share of studies in valid.csv (default: ${DEFAULT-VALUE}).")
  double valid = 0.2;

  @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed = 0;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (count < 1 || size < 64 || valid < 0 || valid > 1) {
      throw new IllegalArgumentException("--count must be >= 1, --size >= 64 and --valid in [0, 1]");
    }
    Path chest = out.resolve("chest");
    ChestDataset.write(chest, count, seed, size, valid);
    PrintWriter console = spec.commandLine().getOut();
    console.printf(Locale.ROOT, "wrote %d chest studies with masks into %s (train.csv, valid.csv)%n", count, chest);
    console.flush();
    return 0;
  }
}
