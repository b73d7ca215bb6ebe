package dev.lumen.core.model;

import dev.lumen.core.LumenException;
import dev.lumen.core.autodiff.Autodiff;
import dev.lumen.core.autodiff.GradientRequest;
import dev.lumen.core.autodiff.Seed;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.io.FileBytes;
import dev.lumen.core.io.Hashes;
import dev.lumen.core.onnx.Node;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.onnx.TensorShapes;
import dev.lumen.core.onnx.ValueInfo;
import dev.lumen.core.preprocess.Channels;
import dev.lumen.core.preprocess.InputSpec;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.preprocess.Preprocessing;
import dev.lumen.core.preprocess.Preprocessor;
import dev.lumen.core.preprocess.Resize;
import dev.lumen.core.preprocess.Scale;
import dev.lumen.core.runtime.Engine;
import dev.lumen.core.runtime.EngineOptions;
import dev.lumen.core.runtime.GraphSession;
import dev.lumen.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A trained image classifier: its ONNX graph, its model card, what was inferred from both
 * (input, preprocessing, task, labels, head), and the ONNX Runtime sessions that run it.
 *
 * <p>Sessions are compiled once per variant (the plain model, the model exposing a layer, ...)
 * and reused for every batch; {@link #close()} releases them all and is safe to call twice.
 *
 * <pre>{@code
 * try (Model model = Model.load(Path.of("chest-demo.onnx"))) {   // + chest-demo.lumen.json
 *   Prediction p = model.predict(Images.read(Path.of("study.png")));
 *   System.out.println(p.best().label());
 * }
 * }</pre>
 */
public final class Model implements AutoCloseable {
  private final OnnxGraph graph;
  private final ModelCard card;
  private final String name;
  private final String sha256;
  private final Engine engine;
  private final InputSpec input;
  private final Preprocessing preprocessing;
  private final Task task;
  private final Optional<String> outputActivation;
  private final List<String> labels;
  private final Map<String, GraphSession> sessions = new HashMap<>();
  private List<Layer> layers;
  private TensorShapes shapes;
  private boolean closed;

  private Model(OnnxGraph graph, byte[] bytes, ModelCard card, String name, EngineOptions options) {
    this.graph = graph;
    this.card = card;
    this.name = name;
    this.sha256 = Hashes.sha256(bytes);
    this.engine = new Engine(options);
    this.outputActivation = Head.outputActivation(graph);
    this.input = inferInput();
    this.preprocessing = inferPreprocessing();
    requireChannelStatistics();
    requireCardLayer();
    int classes = classCount();
    this.task = inferTask(classes);
    this.labels = inferLabels(classes);
    sessions.put("model", engine.open(bytes, name));
  }

  /** Loads {@code file} with the card beside it (if any) and default engine options. */
  public static Model load(Path file) {
    return load(file, ModelCard.besideModel(file), EngineOptions.defaults());
  }

  /**
   * Loads {@code file} with {@code card} and {@code options}.
   *
   * @throws LumenException if the file is not an ONNX image classifier Lumen can run, or the
   *     card contradicts the graph
   */
  public static Model load(Path file, ModelCard card, EngineOptions options) {
    byte[] bytes = FileBytes.read(file);
    OnnxGraph graph = OnnxGraph.parse(bytes, file);
    try {
      return new Model(graph, bytes, card, file.getFileName().toString(), options);
    } catch (IllegalArgumentException e) {
      throw new LumenException(file, e.getMessage(), e);
    }
  }

  /**
   * A model of {@code graph} in place of this one's (a rewrite of it: the same inputs and
   * outputs), with this model's card and options, named {@code name}; close it when done.
   */
  public Model withGraph(OnnxGraph graph, String name) {
    return new Model(graph, graph.toBytes(), card, name, options());
  }

  /** The file name the model was loaded from. */
  public String name() {
    return name;
  }

  /** SHA-256 of the model file, for provenance. */
  public String sha256() {
    return sha256;
  }

  /** The graph. */
  public OnnxGraph graph() {
    return graph;
  }

  /** The card as read (empty when there was none). */
  public ModelCard card() {
    return card;
  }

  /** The image input. */
  public InputSpec input() {
    return input;
  }

  /** How images become inputs. */
  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /** What the scores mean. */
  public Task task() {
    return task;
  }

  /** One name per output score. */
  public List<String> labels() {
    return labels;
  }

  /** The engine options sessions run with. */
  public EngineOptions options() {
    return engine.options();
  }

  /** The final softmax or sigmoid, when the graph has one (otherwise it outputs logits). */
  public Optional<String> outputActivation() {
    return outputActivation;
  }

  /** The head CAM can use, or why there is none. */
  public Head head() throws Head.NotLinearHead {
    return Head.find(graph);
  }

  /** A preprocessor for this model's input. */
  public Preprocessor preprocessor() {
    return new Preprocessor(preprocessing, input);
  }

  /**
   * The label index of {@code labelOrIndex}: a label name (case-insensitive) or a number.
   *
   * @throws IllegalArgumentException naming the labels when it is neither
   */
  public int labelIndex(String labelOrIndex) {
    for (int i = 0; i < labels.size(); i++) {
      if (labels.get(i).equalsIgnoreCase(labelOrIndex)) {
        return i;
      }
    }
    try {
      int i = Integer.parseInt(labelOrIndex);
      if (i >= 0 && i < labels.size()) {
        return i;
      }
    } catch (NumberFormatException ignored) {
      // not a number either: fall through to the error
    }
    throw new IllegalArgumentException("unknown label '" + labelOrIndex + "' for " + name
        + "; labels: " + labels + " (or an index 0.." + (labels.size() - 1) + ")");
  }

  /** Predicts one image. */
  public Prediction predict(Image image) {
    return predict(List.of(image)).get(0);
  }

  /** Predicts images in batches of {@link EngineOptions#batchSize()}. */
  public List<Prediction> predict(List<Image> images) {
    requireImages();
    List<Prediction> out = new ArrayList<>();
    for (List<Image> batch : batches(images)) {
      Tensor scores = run(preprocessor().toInput(batch), List.of()).get(scoresName());
      for (int i = 0; i < batch.size(); i++) {
        out.add(prediction(batch.get(i).source(), scores, i));
      }
    }
    return out;
  }

  /** Predicts one exam of a volume model (MRNet-style). */
  public Prediction predict(Volume volume) {
    requireVolume(volume.source());
    Tensor scores = run(preprocessor().toInput(volume.slices()), List.of()).get(scoresName());
    return prediction(volume.source(), scores, 0);
  }

  /** The name of the output that holds the scores. */
  public String scoresName() {
    return graph.outputs().get(0).name();
  }

  /** {@code images} cut into batches the input accepts. */
  public List<List<Image>> batches(List<Image> images) {
    int size = graph.inputs().get(0).isDynamic(0) ? engine.options().batchSize() : 1;
    List<List<Image>> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i += size) {
      out.add(images.subList(i, Math.min(images.size(), i + size)));
    }
    return out;
  }

  /** Fails unless this model takes single images. */
  public void requireImages() {
    if (input.volume()) {
      throw new IllegalArgumentException(name + " takes whole exams (a volume of slices), not single images");
    }
  }

  /** Fails unless this model takes exams. */
  public void requireVolume(String source) {
    if (!input.volume()) {
      throw new IllegalArgumentException(source + " is a volume, but " + name
          + " takes single images; mark volume models with \"input\": {\"volume\": true} in the model card");
    }
  }

  /**
   * Runs the model on a prepared input and returns the scores output and {@code tensors}, the
   * latter exposed through a cached variant of the graph.
   */
  public Map<String, Tensor> run(Tensor inputTensor, List<String> tensors) {
    List<String> outputs = new ArrayList<>();
    outputs.add(scoresName());
    outputs.addAll(tensors);
    GraphSession session = tensors.isEmpty() ? session("model", () -> graph)
        : session("expose:" + String.join(",", tensors), () -> graph.withExtraOutputs(tensors));
    return session.run(Map.of(input.name(), inputTensor), outputs);
  }

  /**
   * Runs only the part of the model above {@code layer} on {@code features} (values of that
   * layer, a batch of them) and returns the scores output. The sub-graph is compiled once.
   */
  public Tensor runAbove(String layer, Tensor features) {
    GraphSession session = session("above:" + layer, () -> graph.above(layer));
    return session.run(Map.of(layer, features), List.of(scoresName())).get(scoresName());
  }

  /**
   * Runs the model with the gradients {@code request} asks for on a prepared input, through a
   * graph compiled once per request. Returns the scores output; per tensor of {@code wrt} its
   * value (except for the input) and its gradient ({@link Autodiff#gradientOf}), shaped
   * {@code [K, ...tensor shape]}; and {@link Autodiff#TARGETS} for top-k seeds.
   *
   * @param seed the seed rows, {@code [K, ...logits shape]}, for {@link Seed#given()}; else null
   */
  public Map<String, Tensor> runGradients(Tensor inputTensor, GradientRequest request, Tensor seed) {
    TensorShapes known = shapes();
    GraphSession session = session("gradients:" + request.key(), () -> Autodiff.compile(graph, known, request));
    Map<String, Tensor> feed = new HashMap<>();
    feed.put(input.name(), inputTensor);
    List<String> outputs = new ArrayList<>();
    outputs.add(scoresName());
    if (request.seed() instanceof Seed.TopK) {
      outputs.add(Autodiff.TARGETS);
    } else {
      feed.put(Autodiff.SEED, seed);
    }
    for (String tensor : request.wrt()) {
      if (!tensor.equals(input.name())) {
        outputs.add(tensor);
      }
      outputs.add(Autodiff.gradientOf(tensor));
    }
    return session.run(feed, outputs);
  }

  /** The scores gradient methods differentiate: the logits before a final softmax or sigmoid. */
  public String logitsName() {
    return Head.logits(graph);
  }

  /** The scores of item {@code i} of a batch output, as probabilities. */
  public Prediction prediction(String source, Tensor scores, int i) {
    int classes = labels.size();
    float[] all = scores.unsafeData();
    float[] p = new float[classes];
    System.arraycopy(all, i * classes, p, 0, classes);
    for (float v : p) {
      if (!Float.isFinite(v)) {
        throw new LumenException(name + " gave a non-finite score for " + source);
      }
    }
    p = toProbabilities(p);
    List<LabelScore> list = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      list.add(new LabelScore(c, labels.get(c), p[c]));
    }
    return new Prediction(source, task, list);
  }

  /**
   * Every tensor the nodes produce with its shape for the model's input size, found by one run
   * on a blank input (done once, then cached).
   */
  public synchronized List<Layer> layers() {
    probeShapes();
    return layers;
  }

  /**
   * The shape of every tensor for the model's input size, with {@code -1} for the dimensions
   * that follow the batch (or slice) count; found by two runs on blank inputs, then cached.
   */
  public synchronized TensorShapes shapes() {
    probeShapes();
    return shapes;
  }

  private void probeShapes() {
    if (shapes != null) {
      return;
    }
    List<String> tensors = graph.intermediateTensors();
    GraphSession all = session("all-tensors", () -> graph.withExtraOutputs(tensors));
    // a 3D model of any depth is probed at a depth its pooling can take
    int n = input.volumetric() ? input.depthFor(16) : input.volume() ? 3 : 1;
    Map<String, Tensor> first = blankRun(all, tensors, n);
    boolean dynamic = input.volume() || graph.inputs().get(0).isDynamic(0);
    shapes = TensorShapes.fromRuns(first, dynamic ? blankRun(all, tensors, n + 1) : first);
    List<Layer> out = new ArrayList<>();
    for (Node node : graph.nodes()) {
      for (String t : node.outputs()) {
        if (first.containsKey(t)) {
          out.add(new Layer(node.name(), node.opType(), t, first.get(t).shape()));
        }
      }
    }
    layers = List.copyOf(out);
  }

  /** Every tensor's value on a blank input of {@code n} images (or slices), the input included. */
  private Map<String, Tensor> blankRun(GraphSession all, List<String> tensors, int n) {
    Tensor blank = Tensor.zeros(input.shape(n));
    Map<String, Tensor> values = new HashMap<>(all.run(Map.of(input.name(), blank), tensors));
    values.put(input.name(), blank);
    return values;
  }

  /**
   * The layer explanations use unless told otherwise: the card's, else the feature map the
   * head's global pooling reads, else the last spatial feature map.
   */
  public String defaultLayer() {
    if (card.layer() != null) {
      return card.layer();
    }
    try {
      return head().feature();
    } catch (Head.NotLinearHead e) {
      List<Layer> all = layers();
      for (int i = all.size() - 1; i >= 0; i--) {
        if (all.get(i).isSpatial()) {
          return all.get(i).tensor();
        }
      }
      throw new LumenException(name + " has no spatial feature map to explain");
    }
  }

  /** The cached session of {@code variant}, compiled from {@code graph} on first use. */
  public synchronized GraphSession session(String variant, Supplier<OnnxGraph> variantGraph) {
    if (closed) {
      throw new IllegalStateException("Trying to use a closed model: " + name);
    }
    return sessions.computeIfAbsent(variant, v -> engine.open(variantGraph.get().toBytes(), name + " [" + v + "]"));
  }

  /** Releases every session. Safe to call more than once. */
  @Override
  public synchronized void close() {
    closed = true;
    sessions.values().forEach(GraphSession::close);
    sessions.clear();
  }

  private float[] toProbabilities(float[] s) {
    String act = outputActivation.orElse("");
    if (act.equals("Softmax") || act.equals("Sigmoid")) {
      return s;
    }
    float[] p = new float[s.length];
    if (act.equals("LogSoftmax")) {
      for (int i = 0; i < s.length; i++) {
        p[i] = (float) Math.exp(s[i]);
      }
      return p;
    }
    if (task == Task.MULTI_CLASS) {
      float max = Float.NEGATIVE_INFINITY;
      for (float v : s) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (int i = 0; i < s.length; i++) {
        p[i] = (float) Math.exp(s[i] - max);
        sum += p[i];
      }
      for (int i = 0; i < s.length; i++) {
        p[i] /= (float) sum;
      }
      return p;
    }
    for (int i = 0; i < s.length; i++) {
      p[i] = (float) (1 / (1 + Math.exp(-s[i])));
    }
    return p;
  }

  private InputSpec inferInput() {
    List<ValueInfo> inputs = graph.inputs();
    if (inputs.size() != 1) {
      throw new IllegalArgumentException("has " + inputs.size() + " inputs " + inputs.stream().map(ValueInfo::name).toList()
          + "; Lumen explains models with one image input");
    }
    ValueInfo in = inputs.get(0);
    ModelCard.InputCard ic = card.input() != null ? card.input() : new ModelCard.InputCard(null, null, null, null, null);
    if (in.rank() != 4 && in.rank() != 5) {
      throw new IllegalArgumentException("input '" + in.name() + "' has shape " + in.shapeText()
          + "; Lumen explains image models with inputs [N,C,H,W], [N,H,W,C] or [1,slices,C,H,W]");
    }
    if (isVolumetric(in, ic)) {
      return volumetricInput(in, ic);
    }
    List<Long> d = in.rank() == 5 ? in.dims().subList(1, 5) : in.dims();
    Layout layout = ic.layout() != null ? Layout.valueOf(ic.layout().toUpperCase(Locale.ROOT))
        : isChannelCount(d.get(3)) && !isChannelCount(d.get(1)) ? Layout.NHWC : Layout.NCHW;
    int cAxis = layout == Layout.NCHW ? 1 : 3;
    int hAxis = layout == Layout.NCHW ? 2 : 1;
    long c = d.get(cAxis);
    Channels channels = ic.channels() != null ? Channels.valueOf(ic.channels().toUpperCase(Locale.ROOT))
        : c == 1 ? Channels.GRAYSCALE : c == 3 ? Channels.RGB : null;
    if (channels == null || (c > 0 && channels.count() != c)) {
      throw new IllegalArgumentException("input '" + in.name() + "' " + in.shapeText() + " has " + c
          + " channels; Lumen feeds 1 (grey) or 3 (colour)" + (channels == null ? "" : ", the card says " + channels));
    }
    int h = size(d.get(hAxis), ic.height(), in);
    int w = size(d.get(hAxis + 1), ic.width(), in);
    boolean volume = in.rank() == 5 || Boolean.TRUE.equals(ic.volume()) || headTakesSliceMax();
    return new InputSpec(in.name(), in.rank(), layout, channels, w, h, volume);
  }

  /**
   * Whether a rank-5 input is a 3D convolution's {@code [N, C, D, H, W]} rather than an MRNet
   * exam's {@code [1, slices, C, H, W]}: the card says {@code NCDHW}, or axis 1 is a channel
   * count and axis 2 is not.
   */
  private static boolean isVolumetric(ValueInfo in, ModelCard.InputCard ic) {
    if (ic.layout() != null) {
      return ic.layout().equalsIgnoreCase("NCDHW");
    }
    return in.rank() == 5 && isChannelCount(in.dims().get(1)) && !isChannelCount(in.dims().get(2));
  }

  private InputSpec volumetricInput(ValueInfo in, ModelCard.InputCard ic) {
    if (in.rank() != 5) {
      throw new IllegalArgumentException("the card says input '" + in.name() + "' is NCDHW, but it has shape "
          + in.shapeText());
    }
    long c = in.dims().get(1);
    Channels channels = ic.channels() != null ? Channels.valueOf(ic.channels().toUpperCase(Locale.ROOT))
        : c == 1 ? Channels.GRAYSCALE : c == 3 ? Channels.RGB : null;
    if (channels == null || (c > 0 && channels.count() != c)) {
      throw new IllegalArgumentException("input '" + in.name() + "' " + in.shapeText() + " has " + c
          + " channels; Lumen feeds 1 (grey) or 3 (colour)");
    }
    int depth = (int) Math.max(0, in.dims().get(2));
    int h = size(in.dims().get(3), ic.height(), in);
    int w = size(in.dims().get(4), ic.width(), in);
    return new InputSpec(in.name(), 5, Layout.NCHW, channels, w, h, true, depth, true);
  }

  private boolean headTakesSliceMax() {
    try {
      return Head.find(graph).sliceMax();
    } catch (Head.NotLinearHead e) {
      return false;
    }
  }

  private static boolean isChannelCount(long d) {
    return d == 1 || d == 3;
  }

  private static int size(long fromGraph, Integer fromCard, ValueInfo in) {
    if (fromGraph > 0) {
      if (fromCard != null && fromCard != fromGraph) {
        throw new IllegalArgumentException("the card gives an input side of " + fromCard
            + " but input '" + in.name() + "' is " + in.shapeText());
      }
      return (int) fromGraph;
    }
    return fromCard != null ? fromCard : 224;
  }

  private Preprocessing inferPreprocessing() {
    ModelCard.PreprocessingCard pc = card.preprocessing();
    Preprocessing base = input.channels() == Channels.GRAYSCALE ? Preprocessing.unit() : Preprocessing.imagenet();
    if (pc == null) {
      return base;
    }
    Preprocessing p = pc.preset() != null ? Preprocessing.preset(pc.preset()) : base;
    if (pc.preset() == null && pc.scale() != null) {
      p = new Preprocessing(p.resize(), p.shorterSide(), Scale.valueOf(pc.scale().toUpperCase(Locale.ROOT)),
          new float[] {0}, new float[] {1});
    }
    if (pc.resize() != null || pc.shorterSide() != null) {
      Resize resize = pc.resize() != null ? Resize.valueOf(pc.resize().toUpperCase(Locale.ROOT)) : p.resize();
      p = p.withResize(resize, pc.shorterSide() != null ? pc.shorterSide() : 0);
    }
    if (pc.mean() != null || pc.std() != null) {
      p = p.withMeanStd(pc.mean() != null ? pc.mean() : p.mean(), pc.std() != null ? pc.std() : p.std());
    }
    return p;
  }

  private int classCount() {
    ValueInfo out = graph.outputs().get(0);
    requireScoreVector(out);
    if (out.rank() >= 1 && out.dims().get(out.rank() - 1) > 0) {
      return out.dims().get(out.rank() - 1).intValue();
    }
    if (card.labels() != null) {
      return card.labels().size();
    }
    throw new IllegalArgumentException("output '" + out.name() + "' has shape " + out.shapeText()
        + " with no fixed class count; give the labels in the model card");
  }

  /**
   * Fails unless {@code out} is one vector of class scores per item: {@code [N, classes]} (or
   * {@code [classes]}, or {@code [N, 1, 1, classes]}; or of a shape the graph leaves open); a map output such as a segmentation's
   * {@code [N, 1, H, W]} would otherwise pass for H·W classes.
   */
  private static void requireScoreVector(ValueInfo out) {
    boolean vector = out.rank() <= 2
        || out.rank() > 2 && out.dims().subList(1, out.rank() - 1).stream().allMatch(d -> d == 1);
    if (!vector) {
      throw new IllegalArgumentException("output '" + out.name() + "' has shape " + out.shapeText()
          + ", a map or grid rather than one score per class; Lumen explains classifiers whose first output is "
          + "[N, classes]");
    }
  }

  /** Fails when the card names a default layer the graph does not have. */
  private void requireCardLayer() {
    if (card.layer() != null && !graph.hasTensor(card.layer())) {
      throw new IllegalArgumentException("the card's layer '" + card.layer() + "' is not a tensor of the graph; "
          + "`lumen inspect --all-layers` lists them");
    }
  }

  /** Fails unless the mean and std give one value, or one per channel the model reads. */
  private void requireChannelStatistics() {
    int channels = input.channels().count();
    for (float[] values : List.of(preprocessing.mean(), preprocessing.std())) {
      if (values.length != 1 && values.length != channels) {
        throw new IllegalArgumentException("mean " + Arrays.toString(preprocessing.mean()) + " and std "
            + Arrays.toString(preprocessing.std()) + " need one value or " + channels + " (one per channel the model "
            + "reads, " + input.channels().name().toLowerCase(Locale.ROOT) + ")");
      }
    }
  }

  private Task inferTask(int classes) {
    if (card.task() != null) {
      return Task.fromCardName(card.task());
    }
    String act = outputActivation.orElse("");
    if (act.equals("Sigmoid") || classes == 1) {
      return classes == 1 ? Task.BINARY : Task.MULTI_LABEL;
    }
    return Task.MULTI_CLASS;
  }

  private List<String> inferLabels(int classes) {
    if (card.labels() != null) {
      if (card.labels().size() != classes) {
        throw new IllegalArgumentException("the card lists " + card.labels().size() + " labels but the model outputs "
            + classes + " scores");
      }
      return List.copyOf(card.labels());
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < classes; i++) {
      out.add("class " + i);
    }
    return out;
  }
}
