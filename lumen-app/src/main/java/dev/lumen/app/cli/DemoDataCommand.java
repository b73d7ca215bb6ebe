package dev.lumen.app.cli;

import dev.lumen.app.demodata.ChestDataset;
import dev.lumen.app.demodata.KneeDataset;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lumen demo-data}: synthetic studies with ground-truth masks, from a seed, offline. */
@Command(name = "demo-data", mixinStandardHelpOptions = true, versionProvider = LumenVersion.class,
    description = "Draw synthetic chest radiographs (lungs, ribs, spine, clavicles, heart) with nodules, opacities, "
        + "effusions and cardiomegaly, each with its pixel mask, plus train.csv and valid.csv for evaluate and train-head; "
        + "with --sets shortcut also the shortcut variant (a laterality marker that gives the nodule away in "
        + "train.csv and valid.csv, but not in test.csv), with --sets knee knee-MRI exams in the MRNet layout "
        + "(ACL and meniscal tears, effusions, bone bruises; masks in every plane).")
final class DemoDataCommand implements Callable<Integer> {
  @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("lumen-demo-data");

  @Option(names = "--count", description = "Studies (default: ${DEFAULT-VALUE}).")
  int count = 200;

  @Option(names = "--exams", description = "Knee exams (default: ${DEFAULT-VALUE}).")
  int exams = 20;

  @Option(names = "--size", description = "Side in pixels of a radiograph or a knee slice (default: ${DEFAULT-VALUE}).")
  int size = 256;

  @Option(names = "--valid", description = "Share of studies in valid.csv (default: ${DEFAULT-VALUE}).")
  double valid = 0.2;

  @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed = 0;

  @Option(names = "--sets", split = ",", paramLabel = "SET",
      description = "What to draw: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  List<DataSet> sets = List.of(DataSet.chest);

  /** The sets demo-data draws, named as their folders. */
  enum DataSet { chest, shortcut, knee }

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (count < 1 || exams < 1 || size < 64 || valid < 0 || valid > 1) {
      throw new IllegalArgumentException("--count and --exams must be >= 1, --size >= 64 and --valid in [0, 1]");
    }
    PrintWriter console = spec.commandLine().getOut();
    if (sets.contains(DataSet.chest)) {
      Path chest = out.resolve("chest");
      ChestDataset.write(chest, count, seed, size, valid);
      console.printf(Locale.ROOT, "wrote %d chest studies with masks into %s (train.csv, valid.csv)%n", count, chest);
    }
    if (sets.contains(DataSet.shortcut)) {
      Path shortcut = out.resolve("chest-shortcut");
      ChestDataset.writeShortcut(shortcut, count, seed, size, valid / 2);  // --valid is shared by valid.csv and test.csv
      console.printf(Locale.ROOT, "wrote %d chest studies with a laterality marker into %s (train.csv and valid.csv: "
          + "the marker is R exactly on %s studies; test.csv: R or L at random)%n", count, shortcut,
          ChestDataset.SHORTCUT_FINDING);
    }
    if (sets.contains(DataSet.knee)) {
      Path knee = out.resolve("knee");
      KneeDataset.write(knee, exams, seed, size, valid);
      console.printf(Locale.ROOT, "wrote %d knee exams (axial, coronal, sagittal stacks with masks) in the MRNet "
          + "layout into %s%n", exams, knee);
    }
    console.flush();
    return 0;
  }
}
