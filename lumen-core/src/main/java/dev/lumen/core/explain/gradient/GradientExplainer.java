package dev.lumen.core.explain.gradient;

import dev.lumen.core.autodiff.Autodiff;
import dev.lumen.core.autodiff.GradientRequest;
import dev.lumen.core.autodiff.Propagation;
import dev.lumen.core.autodiff.Seed;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Explanations;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.Volumetric;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.onnx.TensorShapes;
import dev.lumen.core.postprocess.Maps;
import dev.lumen.core.preprocess.DepthAxis;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.runtime.GraphSession;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The common frame of gradient methods: one compiled run per batch gives the scores, the
 * differentiated tensors and the gradients of every target at once (top-k targets are chosen
 * inside the graph, so no extra forward pass is spent on them); the method turns one item's
 * values and gradients into a raw map per target.
 *
 * <p>Gradients are of the logits (the scores before a final softmax or sigmoid), as in the
 * Grad-CAM paper and in pytorch-grad-cam on torchvision models. An item is one image, or one exam
 * of a volume model whose slices are the batch; maps of exams have one slice per slice.
 */
abstract class GradientExplainer implements Explainer {
  final Model model;

  GradientExplainer(Model model) {
    this.model = model;
  }

  /** The tensors whose gradients the method reads. */
  abstract List<String> wrt();

  /** The rule at rectifiers: plain gradients unless a method rectifies them. */
  Propagation propagation() {
    return Propagation.GRADIENT;
  }

  /**
   * The raw map ({@code [slices, h, w]}) of one item and one target from that item's slice of
   * the input and of every output the method reads ({@link #perItem()} as
   * {@code [slices or 1, ...]}, {@link #perTarget()} of the target).
   */
  abstract Tensor rawMap(Map<String, Tensor> item);

  /** One target's attribution of every input element, {@code [slices, C, h, w]}, for input methods. */
  Optional<Tensor> elementAttribution(Map<String, Tensor> item) {
    return Optional.empty();
  }

  /** How one slice of a raw map becomes a heat map in [0, 1]: min-max, as the CAM family's maps. */
  UnaryOperator<float[]> normalization() {
    return Maps::minMax;
  }

  /** Outputs shaped {@code [N, ...]} the method reads (forward values). */
  List<String> perItem() {
    return wrt().stream().filter(t -> !t.equals(model.input().name())).toList();
  }

  /** Outputs shaped {@code [K, N, ...]} the method reads, one slice per target (gradients). */
  List<String> perTarget() {
    return wrt().stream().map(Autodiff::gradientOf).toList();
  }

  /** What the method's graph differentiates for {@code seed}: gradients of the logits, unless a method propagates relevance. */
  GradientRequest request(Seed seed) {
    return new GradientRequest(model.logitsName(), wrt(), seed, propagation());
  }

  /** The graph the method runs: the model with the gradients of {@code request}; methods may add nodes. */
  OnnxGraph compile(GradientRequest request, TensorShapes shapes) {
    return Autodiff.compile(model.graph(), shapes, request);
  }

  /** The reference inputs the method's graph takes beside {@code input} (DeepLIFT's baseline); none by default. */
  Map<String, Tensor> references(Tensor input) {
    return Map.of();
  }

  /** One run's outputs with the labels it differentiated: {@code labels[item][k]}. */
  record Pass(Map<String, Tensor> outputs, int[][] labels) {}

  /**
   * The per-target outputs the method reads for a batch. Plain methods read the first pass;
   * path and noise methods combine further passes.
   */
  Map<String, Tensor> perTargetOutputs(Tensor input, Pass first, Progress progress) {
    return first.outputs();
  }

  @Override
  public List<List<Explanation>> explain(List<Image> images, Targets targets, Progress progress) {
    model.requireImages();
    List<List<Explanation>> out = new ArrayList<>();
    for (List<Image> batch : model.batches(images)) {
      Tensor input = model.preprocessor().toInput(batch);
      Pass pass = pass(input, targets, batch.size());
      Map<String, Tensor> gradients = perTargetOutputs(input, pass, progress);
      for (int i = 0; i < batch.size(); i++) {
        int item = i;
        out.add(explanations(batch.get(i).source(), pass, gradients, input, i,
            t -> Tensor.stack(List.of(t.slice(item))), model.preprocessor().geometry(batch.get(i)), 0));
      }
      progress.advance("images", out.size(), images.size());
    }
    return out;
  }

  /** Whether the method explains 3D convolutional models (its maps hold for three spatial axes). */
  boolean explainsVolumetric() {
    return false;
  }

  @Override
  public List<Explanation> explain(Volume volume, Targets targets, Progress progress) {
    model.requireVolume(volume.source());
    boolean volumetric = model.input().volumetric();
    Volumetric.require(model, method(), explainsVolumetric());
    Tensor input = model.preprocessor().toInput(volume.slices());
    Pass pass = pass(input, targets, 1);
    Map<String, Tensor> gradients = perTargetOutputs(input, pass, progress);
    return explanations(volume.source(), pass, gradients, input, 0,
        volumetric ? DepthAxis::first : GradientExplainer::slicesFirst,
        model.preprocessor().geometry(volume.slices().get(0)), volumetric ? volume.depth() : 0);
  }

  private List<Explanation> explanations(String source, Pass pass, Map<String, Tensor> gradients, Tensor input,
                                         int item, UnaryOperator<Tensor> itemOf, Geometry geometry,
                                         int volumetricSlices) {
    Prediction prediction = model.prediction(source, pass.outputs().get(model.scoresName()), item);
    List<LabelScore> chosen = Arrays.stream(pass.labels()[item]).mapToObj(prediction::score).toList();
    List<Tensor> raws = new ArrayList<>();
    List<Optional<Tensor>> attributions = new ArrayList<>();
    for (int k = 0; k < chosen.size(); k++) {
      Map<String, Tensor> values = new HashMap<>();
      values.put(model.input().name(), itemOf.apply(input));
      for (String name : perItem()) {
        values.put(name, itemOf.apply(pass.outputs().get(name)));
      }
      for (String name : perTarget()) {
        values.put(name, itemOf.apply(gradients.get(name).slice(k)));
      }
      raws.add(rawMap(values));
      attributions.add(elementAttribution(values));
    }
    return volumetricSlices > 0
        ? Explanations.ofVolumetric(model, method(), layer(), prediction, chosen, raws, attributions, volumetricSlices,
            geometry, normalization())
        : Explanations.of(model, method(), layer(), prediction, chosen, raws, attributions, geometry, normalization());
  }

  /** The first pass of a batch of {@code items}: top-k targets chosen in the graph, others seeded. */
  Pass pass(Tensor input, Targets targets, int items) {
    if (targets instanceof Targets.Top top) {
      Map<String, Tensor> out = execute(input, Seed.topK(top.k()), null, references(input));
      Tensor chosen = out.get(Autodiff.TARGETS);
      int[][] labels = new int[chosen.dim(0)][top.k()];
      for (int i = 0; i < labels.length; i++) {
        for (int k = 0; k < top.k(); k++) {
          labels[i][k] = (int) chosen.get(i * top.k() + k);
        }
      }
      return new Pass(out, labels);
    }
    int[] fixed = targets instanceof Targets.Named named
        ? named.labels().stream().mapToInt(model::labelIndex).toArray()
        : java.util.stream.IntStream.range(0, model.labels().size()).toArray();
    int[][] labels = new int[items][];
    Arrays.fill(labels, fixed);
    return new Pass(run(input, labels), labels);
  }

  /** A run whose seed rows are one-hot over {@code labels[item][k]}. */
  Map<String, Tensor> run(Tensor input, int[][] labels) {
    return run(input, labels, references(input));
  }

  /** A run whose seed rows are one-hot over {@code labels[item][k]}, with the graph's {@code references} given. */
  Map<String, Tensor> run(Tensor input, int[][] labels, Map<String, Tensor> references) {
    int classes = model.labels().size();
    int items = labels.length;
    int k = labels[0].length;
    float[] rows = new float[k * items * classes];
    for (int t = 0; t < k; t++) {
      for (int i = 0; i < items; i++) {
        rows[(t * items + i) * classes + labels[i][t]] = 1f;
      }
    }
    return execute(input, Seed.given(), Tensor.of(rows, k, items, classes), references);
  }

  /** Runs the method's graph for {@code seed} (compiled once per seed kind) on a prepared input. */
  private Map<String, Tensor> execute(Tensor input, Seed seed, Tensor rows, Map<String, Tensor> references) {
    GradientRequest request = request(seed);
    TensorShapes shapes = model.shapes();
    GraphSession session = model.session(method() + "@" + layer() + ":" + request.key(), () -> compile(request, shapes));
    Map<String, Tensor> feed = new HashMap<>();
    feed.put(model.input().name(), input);
    feed.putAll(references);
    List<String> outputs = new ArrayList<>();
    outputs.add(model.scoresName());
    if (seed instanceof Seed.TopK) {
      outputs.add(Autodiff.TARGETS);
    } else {
      feed.put(Autodiff.SEED, rows);
    }
    outputs.addAll(perItem());
    outputs.addAll(perTarget());
    return session.run(feed, outputs);
  }

  /** An exam's tensor with its slices first: {@code [1, S, ...]} inputs lose the leading 1. */
  private static Tensor slicesFirst(Tensor t) {
    if (t.rank() == 5 && t.dim(0) == 1) {
      long[] shape = t.shape();
      return t.reshape(Arrays.copyOfRange(shape, 1, shape.length));
    }
    return t;
  }
}
