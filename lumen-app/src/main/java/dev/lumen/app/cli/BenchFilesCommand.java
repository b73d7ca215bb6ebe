package dev.lumen.app.cli;

import dev.lumen.app.service.Studies;
import dev.lumen.core.image.Volume;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lumen bench-files}: how long Lumen takes to read studies as a volume model takes them. */
@Command(name = "bench-files", mixinStandardHelpOptions = true, versionProvider = LumenVersion.class,
    description = "Time reading each STUDY (a DICOM series folder, a NIfTI, DICOM or .npy volume) as an exam: "
        + "parsed, decoded, ordered and windowed or scaled; the median of --rounds.")
final class BenchFilesCommand implements Callable<Integer> {
  @Parameters(paramLabel = "STUDY", description = "Studies to read.")
  List<Path> studies;

  @Option(names = "--rounds", description = "Rounds per study after one warm-up (default: ${DEFAULT-VALUE}).")
  int rounds = 3;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    dev.lumen.core.Ranges.requireAtLeast("--rounds", rounds, 1);
    PrintWriter out = spec.commandLine().getOut();
    for (Path study : studies) {
      Volume warm = Studies.exam(study, null).volume();
      double[] ms = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long start = System.nanoTime();
        Studies.exam(study, null);
        ms[r] = (System.nanoTime() - start) / 1e6;
      }
      Arrays.sort(ms);
      out.printf(Locale.ROOT, "lumen: %s, %d slices of %dx%d: %.0f ms%n", study.getFileName(), warm.depth(),
          warm.slices().get(0).width(), warm.slices().get(0).height(), ms[rounds / 2]);
      out.flush();
    }
    return 0;
  }
}
