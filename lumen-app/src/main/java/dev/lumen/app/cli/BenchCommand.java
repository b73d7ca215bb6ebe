package dev.lumen.app.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.lumen.app.service.Methods;
import dev.lumen.core.LumenException;
import dev.lumen.core.autodiff.GradientRequest;
import dev.lumen.core.autodiff.Propagation;
import dev.lumen.core.autodiff.Seed;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.lime.Lime;
import dev.lumen.core.explain.lime.Phases;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lumen bench}: forward latency (batch 1) and throughput (batch 16) of a model through
 * Lumen, against a bare ONNX Runtime session of the same file in the same process. The two are
 * measured in alternating rounds so machine noise hits both alike.
 */
@Command(name = "bench", description = "Measure forward latency and throughput, and Lumen's overhead over bare ONNX Runtime.")
final class BenchCommand implements Callable<Integer> {
  /** The slices of the exam an exam model is timed on, about a knee MRI series. */
  private static final int EXAM_SLICES = 32;

  @Mixin
  ModelOptions options;

  @Option(names = "--rounds", description = "Alternating measurement rounds (default: ${DEFAULT-VALUE}).")
  int rounds = 5;

  @Option(names = "--runs", description = "Runs per round at batch 1; batch 16 does a quarter as many (default: ${DEFAULT-VALUE}).")
  int runs = 20;

  @Option(names = "--methods", split = ",", paramLabel = "METHOD",
      description = "Also time these explanation methods on one image, e.g. cam,ablationcam,crm,occlusion "
          + "(all: every method).")
  List<String> methods = List.of();

  @Option(names = "--gradients", description = "Also time the compiled gradient graphs against the forward pass.")
  boolean gradients;

  @Option(names = "--lime", description = "Also time LIME (1000 samples, SLIC) phase by phase.")
  boolean lime;

  @Option(names = "--server", description = "Also time a Grad-CAM request through lumen serve's API against the same "
      + "explanation in-process, and stored explanations fetched by 50 clients.")
  boolean server;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Model model = options.load();
         OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      OrtEnvironment env = OrtEnvironment.getEnvironment();  // the one the model's engine made
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (options.threads > 0) {
        so.setIntraOpNumThreads(options.threads);
      }
      try (OrtSession bare = env.createSession(options.model.toString(), so)) {
        out.printf("model %s, input %dx%d, %d rounds%n", model.name(), model.input().width(), model.input().height(), rounds);
        // an exam model runs whole exams: one exam of EXAM_SLICES slices (a volumetric model: its depth)
        boolean exam = model.input().volume();
        for (int batch : exam ? new int[] {EXAM_SLICES} : new int[] {1, 16}) {
          Tensor input = random(model.input().shape(batch));
          int n = Math.max(1, batch == 1 || exam ? runs : runs / 4);
          double[] lumen = new double[rounds];
          double[] ort = new double[rounds];
          timeLumen(model, input, 2);
          timeBare(env, bare, model, input, 2);
          for (int r = 0; r < rounds; r++) {
            lumen[r] = timeLumen(model, input, n);
            ort[r] = timeBare(env, bare, model, input, n);
          }
          double l = median(lumen);
          double o = median(ort);
          String unit = exam ? "exams" : "images";
          int items = exam ? 1 : batch;
          out.printf(Locale.ROOT, "%s: lumen %8.2f ms/run (%7.1f %s/s)   bare ORT %8.2f ms/run (%7.1f %s/s)   "
              + "overhead %+.1f %%%n", exam ? "exam of " + input.dim(volumeAxis(model)) + " slices" : "batch " + batch,
              l, 1000 * items / l, unit, o, 1000 * items / o, unit, 100 * (l - o) / o);
          out.flush();
        }
        if (gradients) {
          timeGradients(out, model);
        }
        if (lime) {
          timeLime(out, model);
        }
        timeMethods(out, model);
        if (server) {
          ServerBenchmark.run(out, options.model, randomImage(model), rounds, runs);
        }
      }
    }
    return 0;
  }

  /**
   * Per method: the median time to explain one image (top-1 target), against one forward pass;
   * for an exam model, one random exam against the exam's forward pass.
   */
  private void timeMethods(PrintWriter out, Model model) {
    if (methods.isEmpty()) {
      return;
    }
    boolean exam = model.input().volume();
    Volume volume = exam ? randomVolume(model) : null;
    Image image = exam ? null : randomImage(model);
    Tensor one = exam ? model.preprocessor().toInput(volume.slices()) : random(model.input().shape(1));
    double[] forward = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      forward[r] = timeLumen(model, one, runs);
    }
    double f = median(forward);
    for (String name : Methods.named(methods)) {
      try (Explainer explainer = Methods.create(name, model, Methods.Settings.defaults(), null)) {
        Runnable explain = exam ? () -> explainer.explain(volume, Targets.top1()) : () -> explainer.explain(image);
        explain.run();
        double[] times = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          long start = System.nanoTime();
          explain.run();
          times[r] = (System.nanoTime() - start) / 1e6;
        }
        double m = median(times);
        out.printf(Locale.ROOT, "%-31s %9.1f ms/%s  = %7.1f forward passes%s%n", name, m, exam ? "exam " : "image", m / f,
            exam ? " of the exam" : "");
        out.flush();
      } catch (LumenException | IllegalArgumentException e) {
        // a method this model cannot run (a 3D model's 2D-only method, say) is listed with the reason
        out.printf(Locale.ROOT, "%-31s refused: %s%n", name, e.getMessage());
        out.flush();
      }
    }
  }

  /**
   * The compiled gradient graphs against the plain forward pass at the same batch: Grad-CAM's
   * (gradient of the top label at the default layer), 14 labels at once (a chest X-ray model's
   * count) against one, and
   * guided backpropagation to the input.
   */
  private void timeGradients(PrintWriter out, Model model) {
    String layer = model.defaultLayer();
    String logits = model.logitsName();
    int classes = model.labels().size();
    GradientRequest gradCam = new GradientRequest(logits, List.of(layer), Seed.topK(1), Propagation.GRADIENT);
    GradientRequest given = new GradientRequest(logits, List.of(layer), Seed.given(), Propagation.GRADIENT);
    GradientRequest guided = new GradientRequest(logits, List.of(model.input().name()), Seed.topK(1),
        Propagation.GUIDED_BACKPROP);
    out.printf("gradients of %s (compiled graphs; ratios to the forward pass at the same batch)%n", logits);
    for (int batch : new int[] {1, 16}) {
      Tensor input = random(model.input().shape(batch));
      int n = Math.max(1, batch == 1 ? runs : runs / 4);
      double forward = median(rounds, () -> model.run(input, List.of()), n);
      double cam = median(rounds, () -> model.runGradients(input, gradCam, null), n);
      double back = median(rounds, () -> model.runGradients(input, guided, null), n);
      out.printf(Locale.ROOT, "batch %2d: forward %8.2f ms   layer gradient (Grad-CAM) %8.2f ms = %.2fx   "
          + "guided backprop to the input %8.2f ms = %.2fx%n", batch, forward, cam, cam / forward, back, back / forward);
      int many = Math.min(classes, 14);
      Tensor one = seedRows(1, batch, classes);
      Tensor several = seedRows(many, batch, classes);
      double single = median(rounds, () -> model.runGradients(input, given, one), n);
      double multiple = median(rounds, () -> model.runGradients(input, given, several), n);
      out.printf(Locale.ROOT, "batch %2d: layer gradients of %d labels %8.2f ms, of one %8.2f ms = %.2fx%n",
          batch, many, multiple, single, multiple / single);
      out.flush();
    }
  }

  /** LIME's phases on one image, the median round, against the forward pass. */
  private void timeLime(PrintWriter out, Model model) {
    Lime explainer = Lime.of(model, Lime.Settings.defaults());
    Image image = randomImage(model);
    explainer.explainDetailed(List.of(image), Targets.top1(), Progress.none());
    List<Phases> all = new java.util.ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      all.add(explainer.explainDetailed(List.of(image), Targets.top1(), Progress.none()).get(0).get(0).phases());
    }
    all.sort(java.util.Comparator.comparingDouble(Phases::total));
    Phases p = all.get(all.size() / 2);
    out.printf(Locale.ROOT, "lime (1000 samples): total %8.1f ms   segmentation %6.1f ms (%4.1f %%)   perturbation %6.1f ms "
            + "(%4.1f %%)   inference %8.1f ms (%4.1f %%)   fit %6.1f ms (%4.1f %%)%n", p.total(),
        p.segmentation(), 100 * p.segmentation() / p.total(), p.perturbation(), 100 * p.perturbation() / p.total(),
        p.inference(), 100 * p.inference() / p.total(), p.fit(), 100 * p.fit() / p.total());
    out.flush();
  }

  /** {@code k} one-hot seed rows (labels 0..k-1) for every item of a batch. */
  private static Tensor seedRows(int k, int batch, int classes) {
    float[] rows = new float[k * batch * classes];
    for (int t = 0; t < k; t++) {
      for (int i = 0; i < batch; i++) {
        rows[(t * batch + i) * classes + t] = 1f;
      }
    }
    return Tensor.of(rows, k, batch, classes);
  }

  /** The median over rounds of the mean time of {@code n} runs of {@code work}, after two warm-up runs. */
  private static double median(int rounds, Runnable work, int n) {
    work.run();
    work.run();
    double[] times = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        work.run();
      }
      times[r] = (System.nanoTime() - start) / 1e6 / n;
    }
    return median(times);
  }

  /** A random grey exam of {@link #EXAM_SLICES} slices (a volumetric model reads it at its own depth). */
  private static Volume randomVolume(Model model) {
    Random rng = new Random(3);
    int w = model.input().width();
    int h = model.input().height();
    List<Image> slices = new java.util.ArrayList<>();
    for (int s = 0; s < EXAM_SLICES; s++) {
      float[] px = new float[w * h];
      for (int i = 0; i < px.length; i++) {
        px[i] = rng.nextInt(256);
      }
      slices.add(Image.gray("random-" + s + ".png", px, w, h, 255f));
    }
    return new Volume("random exam", slices);
  }

  /** The axis of an exam input that counts its slices: the depth of a volumetric model's, else the second. */
  private static int volumeAxis(Model model) {
    return model.input().volumetric() ? 2 : 1;
  }

  private static Image randomImage(Model model) {
    Random rng = new Random(2);
    int w = model.input().width();
    int h = model.input().height();
    float[] px = new float[3 * w * h];
    for (int i = 0; i < px.length; i++) {
      px[i] = rng.nextInt(256);
    }
    return new Image("random.png", Tensor.of(px, 3, h, w), 255f);
  }

  private static double timeLumen(Model model, Tensor input, int n) {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      model.run(input, List.of());
    }
    return (System.nanoTime() - start) / 1e6 / n;
  }

  private static double timeBare(OrtEnvironment env, OrtSession session, Model model, Tensor input, int n) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.unsafeData()), input.shape());
           OrtSession.Result r = session.run(java.util.Map.of(model.input().name(), t))) {
        float[] sink = new float[Math.toIntExact(((OnnxTensor) r.get(0)).getInfo().getNumElements())];
        ((OnnxTensor) r.get(0)).getFloatBuffer().get(sink);
      }
    }
    return (System.nanoTime() - start) / 1e6 / n;
  }

  private static Tensor random(long[] shape) {
    Random rng = new Random(1);
    float[] data = new float[Math.toIntExact(Tensor.sizeOf(shape))];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) rng.nextGaussian();
    }
    return Tensor.of(data, shape);
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }
}
