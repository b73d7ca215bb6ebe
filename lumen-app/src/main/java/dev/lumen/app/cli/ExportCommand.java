package dev.lumen.app.cli;

import dev.lumen.core.explain.gradient.CamFormula;
import dev.lumen.core.explain.gradient.CamGraph;
import dev.lumen.core.explain.gradient.GradientCam;
import dev.lumen.core.io.AtomicFiles;
import dev.lumen.core.model.Model;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lumen export}: one ONNX model that outputs the scores and the explanation maps. */
@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = LumenVersion.class,
    description = {"Write one ONNX model that computes the scores and a gradient-weighted CAM's maps, "
        + "for any ONNX runtime to serve.",
        "Outputs: the model's, " + CamGraph.MAP + " [K, N, h, w] (raw maps), " + CamGraph.HEATMAP
            + " [K, N, H, W] (min-max normalised, bilinear to the input) and lumen_targets for --top."})
final class ExportCommand implements Callable<Integer> {
  @Mixin
  ModelOptions options;

  @Option(names = {"-m", "--method"}, description = "gradcam, gradcam++, xgradcam, hirescam, gradcam-elementwise "
      + "or layercam (default: ${DEFAULT-VALUE}).")
  String method = "gradcam";

  @Option(names = "--layer", paramLabel = "TENSOR", split = ",",
      description = "The feature maps to explain, averaged when several (default: the model's).")
  List<String> layer;

  @ArgGroup(exclusive = true)
  ExplainCommand.TargetOptions targets = new ExplainCommand.TargetOptions();

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "The ONNX file to write.")
  Path out;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CamFormula formula = Arrays.stream(CamFormula.values())
        .filter(f -> f.method().equals(method.toLowerCase(Locale.ROOT))).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("export takes a gradient-weighted CAM method, one of "
            + Arrays.stream(CamFormula.values()).map(CamFormula::method).toList() + "; not '" + method + "'"));
    OutputPaths.requireNotInput(out, options.model);
    OutputPaths.requireWritableFile(out);
    try (Model model = options.load()) {
      GradientCam cam = layer == null ? GradientCam.of(model, formula) : GradientCam.at(model, formula, layer);
      byte[] bytes = cam.export(targets.toTargets()).toBytes();
      AtomicFiles.write(out, bytes);
      PrintWriter console = spec.commandLine().getOut();
      console.printf(Locale.ROOT, "wrote %s (%s at %s, %.1f MB)%n", out, formula.method(), cam.layer(), bytes.length / 1e6);
      console.flush();
    }
    return 0;
  }
}
