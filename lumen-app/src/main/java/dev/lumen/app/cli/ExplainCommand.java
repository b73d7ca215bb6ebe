package dev.lumen.app.cli;

import dev.lumen.app.output.ExplanationWriter;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Ensemble;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.perturb.Fill;
import dev.lumen.core.explain.gradient.IntegratedGradients;
import dev.lumen.core.explain.lime.FeatureSelection;
import dev.lumen.core.explain.lime.Hide;
import dev.lumen.core.explain.lime.Lime;
import dev.lumen.core.explain.lime.LimeResult;
import dev.lumen.core.explain.lime.Segmentation;
import dev.lumen.core.explain.gradient.SmoothGrad;
import dev.lumen.core.explain.perturb.Occlusion;
import dev.lumen.core.explain.perturb.Rise;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.ModelCard;
import dev.lumen.core.render.Colormap;
import dev.lumen.core.render.Overlay;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumen explain}: saliency maps for every study and target, written to a folder. */
@Command(name = "explain", description = "Write raw maps (.npy), normalised maps (.npy), overlays (.png) and manifest.json.")
final class ExplainCommand implements Callable<Integer> {
  @Mixin
  ModelOptions options;

  @Parameters(index = "1..*", paramLabel = "STUDY", description = "PNG/JPEG images, .npy exams for volume models, or folders of them.")
  List<Path> studies;

  @Option(names = {"-m", "--method"}, description = "Explanation method; `lumen methods` lists them (default: ${DEFAULT-VALUE}).")
  String method = "cam";

  @Option(names = "--layer", paramLabel = "TENSOR", split = ",",
      description = "Gradient-weighted CAMs: the feature maps to explain, averaged when several (default: the model's; "
          + "`lumen inspect` lists them).")
  List<String> layer;

  @Option(names = "--window", description = "occlusion: window side in model input pixels (default: ${DEFAULT-VALUE}).")
  int window = 16;

  @Option(names = "--stride", description = "occlusion: step between windows (default: ${DEFAULT-VALUE}).")
  int stride = 8;

  @Option(names = "--fill", description = "occlusion: zero, mean or blur (default: ${DEFAULT-VALUE}).")
  String fill = "zero";

  @Option(names = "--masks", description = "rise: number of random masks (default: ${DEFAULT-VALUE}).")
  int masks = 4000;

  @Option(names = "--grid", description = "rise: mask grid cells per side (default: ${DEFAULT-VALUE}).")
  int grid = 7;

  @Option(names = "--keep", description = "rise: probability a grid cell is kept (default: ${DEFAULT-VALUE}).")
  double keep = 0.5;

  @Option(names = "--steps", description = "integratedgradients: points on the path (default: ${DEFAULT-VALUE}).")
  int steps = 50;

  @Option(names = "--rule", description = "integratedgradients: gauss-legendre or riemann-trapezoid (default: ${DEFAULT-VALUE}).")
  String rule = "gauss-legendre";

  @Option(names = "--baseline", description = "integratedgradients: zero (the all-zero model input) or black (default: ${DEFAULT-VALUE}).")
  String baseline = "zero";

  @Option(names = "--points-per-run", description = "integratedgradients: path points stacked into one run (default: ${DEFAULT-VALUE}).")
  int pointsPerRun = 8;

  @Option(names = "--samples", description = "smoothgrad, smoothgrad2, vargrad: noisy copies (default: ${DEFAULT-VALUE}).")
  int samples = 25;

  @Option(names = "--noise", description = "smoothgrad, smoothgrad2, vargrad: noise level as a fraction of the input range (default: ${DEFAULT-VALUE}).")
  double noise = 0.15;

  @Option(names = "--lime-samples", description = "lime: perturbed copies (default: ${DEFAULT-VALUE}).")
  int limeSamples = 1000;

  @Option(names = "--segmentation", description = "lime: slic, felzenszwalb or meanshift (default: ${DEFAULT-VALUE}).")
  String segmentation = "slic";

  @Option(names = "--segments", description = "lime, slic: about this many superpixels (default: ${DEFAULT-VALUE}).")
  int segments = 100;

  @Option(names = "--hide", description = "lime: what hidden superpixels show: mean, zero or blur (default: ${DEFAULT-VALUE}).")
  String hide = "mean";

  @Option(names = "--kernel-width", description = "lime: width of the exponential kernel on cosine distance (default: ${DEFAULT-VALUE}).")
  double kernelWidth = 0.25;

  @Option(names = "--selection", description = "lime: auto, highest-weights, forward-selection or none (default: ${DEFAULT-VALUE}).")
  String selection = "auto";

  @Option(names = "--features", description = "lime: at most this many superpixels in the surrogate (default: all).")
  int features = Integer.MAX_VALUE;

  @Option(names = "--views", description = "lime: superpixels shown in the region, pros-and-cons and hide-rest pictures (default: ${DEFAULT-VALUE}).")
  int views = 5;

  @Option(names = "--ensemble", paramLabel = "MODEL", split = ",",
      description = "Explain the ensemble of MODEL and these models (same labels): mean prediction, mean normalised map.")
  List<Path> ensemble = List.of();

  @Option(names = "--seed", description = "Seed of random methods (default: ${DEFAULT-VALUE}).")
  long seed = 0;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @ArgGroup(exclusive = true)
  TargetOptions targets = new TargetOptions();

  @Mixin
  RenderOptions render;

  @Spec
  CommandSpec spec;

  /** Which labels to explain; top-1 when none is given. */
  static final class TargetOptions {
    @Option(names = {"-t", "--target"}, paramLabel = "LABEL|INDEX", split = ",", description = "Explain these labels.")
    List<String> labels;

    @Option(names = "--top", paramLabel = "K", description = "Explain the K most probable labels.")
    Integer top;

    @Option(names = "--all", description = "Explain every label.")
    boolean all;

    Targets toTargets() {
      return labels != null ? Targets.labels(labels) : top != null ? Targets.top(top) : all ? Targets.all() : Targets.top1();
    }
  }

  @Override
  public Integer call() throws Exception {
    List<Path> files = Studies.expand(studies);
    List<Model> others = new ArrayList<>();
    try (Model model = options.load(); Closer closer = () -> others.forEach(Model::close)) {
      for (Path member : ensemble) {
        others.add(Model.load(member, ModelCard.besideModel(member), model.options()));
      }
      Explainer explainer = explainer(model, others);
      Map<String, Object> header = ExplanationWriter.header(options.model.toString(), model, explainer);
      if (!others.isEmpty()) {
        header.put("ensemble", ensemble.stream().map(Path::toString).toList());
      }
      ExplanationWriter writer = new ExplanationWriter(out, render.overlay(), render.boxes, header);
      Targets selection = targets.toTargets();
      PrintWriter console = spec.commandLine().getOut();
      try (ProgressBar bar = new ProgressBarBuilder().setTaskName("explain").setInitialMax(files.size())
          .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
          .continuousUpdate().build()) {
        // long methods (occlusion, RISE, integrated gradients, ...) show how far the current studies are
        Progress within = (stage, done, total) -> bar.setExtraMessage(" " + stage + " " + done + "/" + total);
        if (model.input().volume()) {
          for (Path study : files) {
            Volume volume = Studies.volume(model, study);
            if (explainer instanceof Lime lime) {
              writer.writeLime(study, volume.slices(), List.of(model.preprocessor().geometry(volume.slices().get(0))),
                  lime.explainDetailed(volume, selection, within), views);
            } else {
              writer.write(study, volume.slices(), explainer.explain(volume, selection, within));
            }
            bar.step();
          }
        } else {
          for (List<Path> chunk : Studies.chunks(files, model.options().batchSize())) {
            List<Image> images = Studies.images(model, chunk);
            if (explainer instanceof Lime lime) {
              List<List<LimeResult>> all = lime.explainDetailed(images, selection, within);
              for (int i = 0; i < chunk.size(); i++) {
                writer.writeLime(chunk.get(i), List.of(images.get(i)),
                    List.of(model.preprocessor().geometry(images.get(i))), all.get(i), views);
                bar.step();
              }
              continue;
            }
            List<List<Explanation>> all = explainer.explain(images, selection, within);
            for (int i = 0; i < chunk.size(); i++) {
              writer.write(chunk.get(i), List.of(images.get(i)), all.get(i));
              bar.step();
            }
          }
        }
      }
      console.printf(Locale.ROOT, "wrote %s (%d studies, method %s, layer %s)%n", writer.manifest(),
          files.size(), explainer.method(), explainer.layer());
      console.flush();
    }
    return 0;
  }

  /** Closes what it holds; no checked exception. */
  private interface Closer extends AutoCloseable {
    @Override
    void close();
  }

  /** The explainer for {@code model}, or for its ensemble with {@code others}. */
  private Explainer explainer(Model model, List<Model> others) {
    if (others.isEmpty()) {
      return explainer(model);
    }
    if (layer != null) {
      throw new IllegalArgumentException("--layer names one model's tensor; it cannot apply to an --ensemble");
    }
    List<Model> all = new ArrayList<>(List.of(model));
    all.addAll(others);
    return Ensemble.of(all, this::explainer);
  }

  private Explainer explainer(Model model) {
    IntegratedGradients.Rule quadrature = switch (rule.toLowerCase(Locale.ROOT)) {
      case "gauss-legendre" -> IntegratedGradients.Rule.GAUSS_LEGENDRE;
      case "riemann-trapezoid" -> IntegratedGradients.Rule.RIEMANN_TRAPEZOID;
      default -> throw new IllegalArgumentException("unknown --rule '" + rule + "': gauss-legendre or riemann-trapezoid");
    };
    IntegratedGradients.Baseline start = switch (baseline.toLowerCase(Locale.ROOT)) {
      case "zero" -> IntegratedGradients.Baseline.ZERO;
      case "black" -> IntegratedGradients.Baseline.BLACK;
      default -> throw new IllegalArgumentException("unknown --baseline '" + baseline + "': zero or black");
    };
    return Methods.create(method, model, new Methods.Settings(new Occlusion.Settings(window, stride, Fill.named(fill)),
        new Rise.Settings(masks, grid, keep, seed), new IntegratedGradients.Settings(steps, quadrature, start, pointsPerRun),
        new SmoothGrad.Settings(samples, noise, seed), limeSettings()), layer);
  }

  private Lime.Settings limeSettings() {
    Segmentation cut = switch (segmentation.toLowerCase(Locale.ROOT)) {
      case "slic" -> Segmentation.slic(segments);
      case "felzenszwalb" -> Segmentation.felzenszwalb(100f, 30);
      case "meanshift" -> Segmentation.meanShift(6, 15f, 30);
      default -> throw new IllegalArgumentException("unknown --segmentation '" + segmentation
          + "': slic, felzenszwalb or meanshift");
    };
    Hide hidden = switch (hide.toLowerCase(Locale.ROOT)) {
      case "mean" -> Hide.MEAN;
      case "zero" -> Hide.ZERO;
      case "blur" -> Hide.BLUR;
      default -> throw new IllegalArgumentException("unknown --hide '" + hide + "': mean, zero or blur");
    };
    FeatureSelection chosen = switch (selection.toLowerCase(Locale.ROOT)) {
      case "auto" -> FeatureSelection.AUTO;
      case "highest-weights" -> FeatureSelection.HIGHEST_WEIGHTS;
      case "forward-selection" -> FeatureSelection.FORWARD_SELECTION;
      case "none" -> FeatureSelection.NONE;
      default -> throw new IllegalArgumentException("unknown --selection '" + selection
          + "': auto, highest-weights, forward-selection or none");
    };
    return new Lime.Settings(cut, hidden, limeSamples, kernelWidth, chosen, features, seed);
  }



  /** How overlays are drawn. */
  static final class RenderOptions {
    @Option(names = "--colormap", description = "jet, viridis, inferno or gray (default: ${DEFAULT-VALUE}).")
    String colormap = "jet";

    @Option(names = "--alpha", description = "Weight of the heat map colour (default: ${DEFAULT-VALUE}).")
    float alpha = 0.3f;

    @Option(names = "--beta", description = "Weight of the image (default: ${DEFAULT-VALUE}).")
    float beta = 0.5f;

    @Option(names = "--threshold", description = "Heat below this is transparent, in [0, 1] (default: ${DEFAULT-VALUE}).")
    float threshold = 0f;

    @Option(names = "--boxes", paramLabel = "THRESHOLD",
        description = "Box the regions whose normalised heat is at least THRESHOLD, in (0, 1]; 0 = no boxes (default: ${DEFAULT-VALUE}).")
    float boxes = 0f;

    Overlay overlay() {
      return new Overlay(Colormap.named(colormap), alpha, beta, threshold);
    }
  }
}
