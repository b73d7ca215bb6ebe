package dev.lumen.app.cli;

import dev.lumen.app.demodata.ChestDataset;
import dev.lumen.app.demodata.KneeDataset;
import dev.lumen.core.Ranges;
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
  /** The largest radiograph side drawn: a few float planes of it fit any heap of a few GiB. */
  static final int MAX_CHEST_SIZE = 4096;
  /** The largest knee slice side: three stacks of about 50 slices each, with a mask per finding. */
  static final int MAX_KNEE_SIZE = 1024;

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
    Ranges.requireAtLeast("--count", count, 1);
    Ranges.requireAtLeast("--exams", exams, 1);
    Ranges.requireUnit("--valid", valid);
    // a radiograph and its masks are a few float planes; a knee exam is three stacks of up to ~50 slices
    int largest = sets.contains(DataSet.knee) ? MAX_KNEE_SIZE : MAX_CHEST_SIZE;
    if (size < 64 || size > largest) {
      throw new IllegalArgumentException("--size must be in [64, " + largest + "]" + (largest == MAX_KNEE_SIZE
          ? " for knee exams" : "") + ", got " + size);
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
